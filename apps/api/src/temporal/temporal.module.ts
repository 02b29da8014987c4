import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { RATSWEG_CONFIG, type RatswegConfig } from '@ratsweg/config';
import { createTemporalClient } from '@ratsweg/temporal';
import { Client } from '@temporalio/client';

@Global()
@Module({
  providers: [
    { provide: Client, inject: [RATSWEG_CONFIG], useFactory: (config: RatswegConfig) => createTemporalClient(config) },
  ],
  exports: [Client],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
