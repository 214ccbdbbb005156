import { Inject, Injectable } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';
import { buildOpenApiDocument, type DiscoveredRoute } from './openapi.document';
import { renderDocsPage } from './docs.page';
import { ROUTES } from './route-registry';
import type { HttpMethod } from './route-spec';

type Ctor = abstract new (...args: never[]) => unknown;

/** The routes a controller class serves, from Nest's decorator metadata. */
export function routesOfController(controller: Ctor): DiscoveredRoute[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const out: DiscoveredRoute[] = [];
  const proto = controller.prototype as Record<string, unknown>;
  for (const name of new MetadataScanner().getAllMethodNames(proto)) {
    const handler = proto[name] as object;
    const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (sub === undefined || method === undefined) continue;
    for (const s of Array.isArray(sub) ? sub : [sub]) {
      const path = `/${[base, s]
        .map((p) => p.replace(/^\/+|\/+$/g, ''))
        .filter(Boolean)
        .join('/')}`;
      out.push({ method: RequestMethod[method] as HttpMethod, path });
    }
  }
  return out;
}

/** Builds /openapi.json once, from the registry and the controllers Nest discovered. */
@Injectable()
export class OpenApiService {
  private document?: Record<string, unknown>;
  private html?: string;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  get(): Record<string, unknown> {
    this.document ??= buildOpenApiDocument(ROUTES, {
      version: '1.0.0',
      served: this.discovery
        .getControllers()
        .flatMap((w) => (w.metatype ? routesOfController(w.metatype as Ctor) : [])),
      ...(this.config.FLOWGATE_PUBLIC_URL ? { serverUrl: this.config.FLOWGATE_PUBLIC_URL } : {}),
    });
    return this.document;
  }

  page(): string {
    this.html ??= renderDocsPage(this.get());
    return this.html;
  }
}
