import { Injectable } from '@nestjs/common';
import { ActivityCatalogRepository, type ActivityCatalogRow } from '@flowgate/store';

const TTL_MS = 5_000;

/** The activity catalog published by workers, cached briefly. */
@Injectable()
export class ActivityCatalogService {
  private cached?: { at: number; catalog: Map<string, ActivityCatalogRow> };

  constructor(private readonly repo: ActivityCatalogRepository) {}

  async catalog(): Promise<Map<string, ActivityCatalogRow>> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.catalog;
    const rows = await this.repo.list();
    const catalog = new Map(rows.map((r) => [r.name, r]));
    this.cached = { at: Date.now(), catalog };
    return catalog;
  }
}
