import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequirePermission, type Principal } from '@kairos/access';
import { ModelMonitoringService, type ModelMonitoring } from '../monitoring/model-monitoring.service';
import { ModelRegistryService, type ModelVersionView, type ModelView } from '../registry/model-registry.service';
import { SegmentScoringService, type SegmentScores } from '../serving/segment-scoring.service';
import {
  batchScoreRequestSchema,
  modelIdSchema,
  monitoringQuerySchema,
  parseRequest,
  rollbackRequestSchema,
  stageChangeRequestSchema,
  uploadModelRequestSchema,
  versionSchema,
} from './scoring-requests';

/** /v1/models: the registry (upload, versions, stages with four eyes, rollback), batch scoring and monitoring. */
@ApiTags('models')
@Controller('v1/models')
export class ModelsController {
  constructor(
    @Inject(ModelRegistryService) private readonly registry: ModelRegistryService,
    @Inject(SegmentScoringService) private readonly segments: SegmentScoringService,
    @Inject(ModelMonitoringService) private readonly monitoring: ModelMonitoringService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequirePermission('create', 'Model')
  @ApiOperation({ summary: 'Upload a TF.js layers or ONNX model with its card; validated, evaluated on a holdout and registered as shadow' })
  upload(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ModelVersionView> {
    return this.registry.upload(principal, parseRequest(uploadModelRequestSchema, body));
  }

  @Get()
  @RequirePermission('read', 'Model')
  @ApiOperation({ summary: 'Every registered model version with stage and holdout metrics' })
  async list(): Promise<{ versions: ModelVersionView[] }> {
    return { versions: await this.registry.list() };
  }

  @Get(':modelId')
  @RequirePermission('read', 'Model')
  @ApiOperation({ summary: 'A model: its versions and the history of stage changes with actors' })
  get(@Param('modelId') modelId: string): Promise<ModelView> {
    return this.registry.model(parseRequest(modelIdSchema, modelId, ['modelId']));
  }

  @Post(':modelId/versions/:version/stage')
  @HttpCode(200)
  @RequirePermission('deploy', 'Model')
  @ApiOperation({ summary: 'Move a version to shadow, canary (with share), production or retired; canary and production need someone other than the uploader' })
  changeStage(@Param('modelId') modelId: string, @Param('version') version: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ModelVersionView> {
    return this.registry.changeStage(
      principal,
      parseRequest(modelIdSchema, modelId, ['modelId']),
      parseRequest(versionSchema, version, ['version']),
      parseRequest(stageChangeRequestSchema, body),
    );
  }

  @Post(':modelId/rollback')
  @HttpCode(200)
  @RequirePermission('deploy', 'Model')
  @ApiOperation({ summary: 'Re-promote the version that was in production before the current one' })
  rollback(@Param('modelId') modelId: string, @Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<ModelVersionView> {
    return this.registry.rollback(principal, parseRequest(modelIdSchema, modelId, ['modelId']), parseRequest(rollbackRequestSchema, body).reason);
  }

  @Post(':modelId/batch-score')
  @HttpCode(200)
  @RequirePermission('read', 'Model')
  @ApiOperation({ summary: 'Score the customers of the partitions this process owns; answers counts and distributions, no personal data' })
  batchScore(@Param('modelId') modelId: string, @Body() body: unknown): Promise<SegmentScores> {
    return this.segments.scoreSegment(parseRequest(modelIdSchema, modelId, ['modelId']), parseRequest(batchScoreRequestSchema, body));
  }

  @Get(':modelId/monitoring')
  @RequirePermission('read', 'Model')
  @ApiOperation({ summary: 'Drift (PSI), score distribution, disparate impact by age band and alerts of every live version' })
  monitor(@Param('modelId') modelId: string, @Query() query: unknown): Promise<ModelMonitoring> {
    return this.monitoring.monitor(parseRequest(modelIdSchema, modelId, ['modelId']), parseRequest(monitoringQuerySchema, query).threshold);
  }
}
