import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission } from '@kairos/access';
import { KairosRuntime } from './kairos-runtime';

@ApiTags('operations')
@Controller()
export class OperationsController {
  constructor(private readonly runtime: KairosRuntime) {}

  @Get('health')
  @RequirePermission('read', 'Health')
  @ApiOperation({ summary: 'Liveness and readiness, with the event log and database checks' })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    const [log, database] = await Promise.all([this.runtime.log.health(), this.databaseHealth()]);
    const worker = this.runtime.workerHealth();
    const ready = log.ok && database.ok && worker.ok;
    void reply.status(ready ? 200 : 503);
    return {
      status: ready ? 'ok' : 'degraded',
      live: true,
      ready,
      checks: { eventLog: log, database, partitionWorker: worker },
      partitions: { owned: this.runtime.worker.ownedPartitions().length, total: this.runtime.config.partitions },
    };
  }

  @Get('metrics')
  @RequirePermission('read', 'Metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics' })
  async metrics(): Promise<string> {
    return this.runtime.metrics.registry.metrics();
  }

  private async databaseHealth(): Promise<{ ok: boolean; detail: string }> {
    try {
      await this.runtime.database.query('SELECT 1');
      return { ok: true, detail: this.runtime.database.options.type };
    } catch (error) {
      return { ok: false, detail: `database unreachable: ${(error as Error).message.split('\n')[0]}` };
    }
  }
}
