import { Module } from '@nestjs/common';
import { ApiKeysModule } from '@app/api-keys';
import { AuthModule } from '@app/auth';
import { CustomersModule } from '@app/customers';
import { MediaModule } from '@app/media';
import { ProviderAccountsModule } from '@app/provider-accounts';
import { StorageModule } from '@app/storage';
import { VolcengineAssetsModule } from '@app/volcengine-assets';
import { GenerateService } from './generate.service';
import { JobMetrics } from './job-metrics';
import { JobRunner } from './job-runner.service';
import { JobScheduler } from './job-scheduler.service';
import { JobsController } from './jobs.controller';
import { JobsRepository } from './jobs.repository';
import { JobsService } from './jobs.service';
import { OperatorJobsController } from './operator-jobs.controller';
import { OperatorJobsRepository } from './operator-jobs.repository';
import { OperatorJobsService } from './operator-jobs.service';
import { TestGenerationController } from './test-generation.controller';
import { TestGenerationService } from './test-generation.service';

@Module({
  imports: [ApiKeysModule, AuthModule, CustomersModule, MediaModule, ProviderAccountsModule, StorageModule, VolcengineAssetsModule],
  controllers: [JobsController, OperatorJobsController, TestGenerationController],
  providers: [
    JobsRepository,
    OperatorJobsRepository,
    OperatorJobsService,
    JobMetrics,
    JobRunner,
    JobScheduler,
    GenerateService,
    JobsService,
    TestGenerationService,
  ],
  exports: [JobsService, JobScheduler, JobsRepository],
})
export class JobsModule {}
