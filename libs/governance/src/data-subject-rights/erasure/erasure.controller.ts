import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { CustomerErasureService } from './customer-erasure.service';
import { ErasureReceipt, erasureReceiptJsonSchema } from './erasure-receipt';
import { erasureRequestJsonSchema, parseErasedCustomerId, parseErasureRequest } from './erasure-request.schema';

@ApiTags('data-subject-rights')
@Controller('v1/customers')
export class ErasureController {
  constructor(private readonly erasure: CustomerErasureService) {}

  @Post(':customerId/erasure')
  @HttpCode(200)
  @RequirePermission('create', 'DataSubjectRequest')
  @ApiOperation({ summary: "Erase a customer's personal data (Art. 17 GDPR) by destroying their data key; repeatable" })
  @ApiBody({ required: false, schema: erasureRequestJsonSchema })
  @ApiResponse({ status: 200, description: 'Erasure completed (or completed earlier: the original receipt)', schema: erasureReceiptJsonSchema })
  @ApiResponse({ status: 202, description: 'Personal data unreadable already; a step is pending — repeat the request to complete it', schema: erasureReceiptJsonSchema })
  async erase(
    @Param('customerId') customerId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ErasureReceipt> {
    const id = parseErasedCustomerId(customerId);
    const { reason } = parseErasureRequest(body);
    const receipt = await this.erasure.erase(id, { principalId: principal.id, role: principal.role }, reason);
    if (receipt.status !== 'completed') void reply.status(202);
    return receipt;
  }
}
