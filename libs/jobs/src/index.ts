export { JobsModule } from './jobs.module';
export { JobsService, toJobView } from './jobs.service';
export { JobScheduler } from './job-scheduler.service';
export { JobsRepository, type JobRow } from './jobs.repository';
export { priceOf } from './pricing';
export * from './dto/job.dto';
