import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { flowgateDataConverter } from '@flowgate/codec';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/gateway.config';

export const TEMPORAL_CLIENT = Symbol('TEMPORAL_CLIENT');

/** One Temporal client per gateway process (with the payload codec when encryption is on). */
@Global()
@Module({
  providers: [
    {
      provide: TEMPORAL_CLIENT,
      inject: [GATEWAY_CONFIG],
      useFactory: async (c: GatewayConfig) => {
        const connection = await Connection.connect({ address: c.TEMPORAL_ADDRESS, connectTimeout: '10s' });
        // With FLOWGATE_PAYLOAD_KEYS every payload the gateway sends or reads is encrypted/decrypted.
        const dataConverter = flowgateDataConverter(c.FLOWGATE_PAYLOAD_KEYS);
        return new Client({
          connection,
          namespace: c.TEMPORAL_NAMESPACE,
          ...(dataConverter ? { dataConverter } : {}),
        });
      },
    },
  ],
  exports: [TEMPORAL_CLIENT],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(TEMPORAL_CLIENT) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
