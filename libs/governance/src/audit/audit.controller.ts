import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';
import { AUDIT_RECORD_KINDS, type AuditExplanation, type AuditVerificationResult } from '@kairos/audit';
import { AuditLogService, type AuditPage } from './audit-log.service';
import { MAX_AUDIT_PAGE, parseAuditExportQuery, parseAuditListQuery, parseAuditRecordId, parseExplanationQuery } from './audit-requests.schema';

const FILTERS = [
  { name: 'customerId', required: false, description: 'records about this customer' },
  { name: 'kind', required: false, enum: AUDIT_RECORD_KINDS },
  { name: 'decisionId', required: false, description: 'every record of one decision' },
  { name: 'from', required: false, description: 'ISO 8601 instant; records that happened at or after it' },
  { name: 'to', required: false, description: 'ISO 8601 instant; records that happened before it' },
] as const;

function ApiAuditFilters(): MethodDecorator {
  return (target, key, descriptor) => {
    for (const filter of FILTERS) ApiQuery(filter)(target, key, descriptor);
  };
}

/** The tamper-evident audit log, for data-protection officers: read, export, verify, explain. */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  constructor(@Inject(AuditLogService) private readonly audit: AuditLogService) {}

  @Get()
  @RequirePermission('read', 'Audit')
  @ApiOperation({ summary: 'Audit records in the order they happened, filtered and paginated with an opaque cursor' })
  @ApiAuditFilters()
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: `page size, 1 to ${MAX_AUDIT_PAGE} (default 100)` })
  @ApiResponse({ status: 400, description: 'A query parameter broke a rule; the issue names it' })
  list(@Query() query: unknown): Promise<AuditPage> {
    const { filter, after, limit } = parseAuditListQuery(query);
    return this.audit.list(filter, after, limit);
  }

  @Get('export')
  @RequirePermission('read', 'Audit')
  @ApiOperation({
    summary: 'The matching records as NDJSON ({"hash","record"} per line, record = the hashed body); the last line is {"checksum":{"algorithm":"sha256","value","count"}} over every byte before it',
  })
  @ApiAuditFilters()
  export(@Query() query: unknown): StreamableFile {
    const filter = parseAuditExportQuery(query);
    return new StreamableFile(Readable.from(this.audit.exportLines(filter)), { type: 'application/x-ndjson; charset=utf-8', disposition: 'attachment; filename="audit-export.ndjson"' });
  }

  @Get('verify')
  @RequirePermission('verify', 'Audit')
  @ApiOperation({ summary: 'Verify every chain and every signed checkpoint; names the first broken chain and sequence' })
  verify(): Promise<AuditVerificationResult> {
    return this.audit.verify();
  }

  @Get('records/:id/explanation')
  @RequirePermission('read', 'Audit')
  @ApiOperation({ summary: 'The record in plain language ("You see this offer because …"), German or English' })
  @ApiQuery({ name: 'lang', required: false, enum: ['de', 'en'] })
  @ApiResponse({ status: 404, description: 'No record with this id' })
  explanation(@Param('id') id: string, @Query() query: unknown): Promise<AuditExplanation> {
    return this.audit.explain(parseAuditRecordId(id), parseExplanationQuery(query));
  }
}
