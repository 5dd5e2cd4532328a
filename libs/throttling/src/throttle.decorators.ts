import { SetMetadata } from '@nestjs/common';

export const GENERATE_BUCKET = 'throttling:generate-bucket';

/** Counts a route in the stricter generate bucket (GENERATE_REQUESTS_PER_MINUTE) on top of the plan's. */
export const GenerateBucket = (): MethodDecorator & ClassDecorator => SetMetadata(GENERATE_BUCKET, true);
