import { Injectable } from '@nestjs/common';
import { CircuitBreakersRepository, type CircuitRecord, type CircuitStateName } from '@flowgate/store';
import { DomainError } from '../common/errors/domain.error';

/** Circuit-breaker states shared by the workers (read-only: workers own the transitions). */
@Injectable()
export class CircuitsService {
  constructor(private readonly repo: CircuitBreakersRepository) {}

  list(state?: CircuitStateName): Promise<CircuitRecord[]> {
    return this.repo.list({ state });
  }

  async get(dependency: string): Promise<CircuitRecord> {
    const circuit = await this.repo.get(dependency);
    if (!circuit) throw DomainError.notFound(`circuit '${dependency}'`);
    return circuit;
  }

  /** Every circuit's state, for metrics. */
  circuitStates(): Promise<CircuitRecord[]> {
    return this.repo.list();
  }
}
