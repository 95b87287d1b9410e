import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { parseIdParam } from './path-id.param';
import type { CustomerDataExport } from './customer-data-export';
import { CustomerDataExportService } from './customer-data-export.service';

@ApiTags('data-subject-rights')
@Controller('v1/customers')
export class CustomerExportController {
  constructor(private readonly exports: CustomerDataExportService) {}

  @Get(':customerId/export')
  @RequirePermission('read', 'DataSubjectRequest')
  @Header('Cache-Control', 'no-store')
  @Header('Content-Disposition', 'attachment; filename="customer-data-export.json"')
  @ApiOperation({ summary: 'Everything Kairos holds about a customer, as JSON with a manifest (Art. 15/20 GDPR); audited' })
  @ApiResponse({ status: 200, description: 'The export: manifest (sections, counts, record ids, digests) and the sections' })
  @ApiResponse({ status: 503, description: 'A store could not be read, or the audit record could not be written; nothing was released' })
  export(@Param('customerId') customerId: string, @CurrentPrincipal() principal: Principal): Promise<CustomerDataExport> {
    return this.exports.export(parseIdParam(customerId, 'customerId'), { type: 'principal', principalId: principal.id, role: principal.role });
  }
}
