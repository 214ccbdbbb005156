import { Controller, Get, Param, Query } from '@nestjs/common';
import { Requires } from '../auth/auth.decorators';
import { ZodPipe } from '../common/validation/zod-body.pipe';
import { presentCircuit } from './circuit.presenter';
import { CircuitsService } from './circuits.service';
import { listCircuitsQuery, type ListCircuitsQuery } from './dto/list-circuits.query';

/** Circuit breakers of outbound dependencies (HTTP origins, LLM providers), shared by every worker. */
@Controller('v1/circuits')
export class CircuitsController {
  constructor(private readonly circuits: CircuitsService) {}

  @Get()
  @Requires('runs:read')
  async list(@Query(new ZodPipe(listCircuitsQuery, 'query')) query: ListCircuitsQuery) {
    return { items: (await this.circuits.list(query.state)).map(presentCircuit) };
  }

  /** One circuit; the dependency is URL-encoded (`/v1/circuits/https%3A%2F%2Fapi.example.com`). */
  @Get(':dependency')
  @Requires('runs:read')
  async get(@Param('dependency') dependency: string) {
    return presentCircuit(await this.circuits.get(dependency));
  }
}
