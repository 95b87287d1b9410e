import { Controller, Get } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import { RequirePermission } from '@kairos/access';

/** Holds the OpenAPI document built at start-up from the controllers' decorators and the zod schemas. */
export class ApiDocument {
  document: OpenAPIObject | undefined;
}

/**
 * The OpenAPI document behind authentication like every other route (Swagger UI would be served by Fastify
 * outside our guard, so it is not mounted).
 */
@ApiExcludeController()
@Controller('docs')
export class ApiDocsController {
  constructor(private readonly api: ApiDocument) {}

  @Get()
  @RequirePermission('read', 'ApiDocs')
  openApi(): OpenAPIObject | undefined {
    return this.api.document;
  }
}
