import type { ValidationError } from 'class-validator';
import { DomainException } from './domain.exception';
import type { FieldError } from './error-codes';

/** Flattens class-validator's tree into `details`, one entry per bad field, with dotted paths. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property (\S+) should not exist$/, 'unknown field') });
    }
    if (error.children && error.children.length > 0) {
      out.push(...flattenValidationErrors(error.children, field));
    }
  }
  return out;
}

export function validationExceptionFactory(errors: ValidationError[]): DomainException {
  const details = flattenValidationErrors(errors);
  const fields = [...new Set(details.map((d) => d.field))];
  return new DomainException('invalid_request', `Invalid request: check ${fields.join(', ')}`, details);
}
