import { applyDecorators, ValidationPipe, type ValidationError } from '@nestjs/common';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, registerDecorator, ValidateIf, ValidateNested, type ValidationOptions } from 'class-validator';
import { validateCode, type CodeKind } from '../codes';
import { isIsoDate, isIsoInstant } from './dates';
import { InvalidInput } from './errors';

const flatten = (errors: readonly ValidationError[], prefix = ''): Array<{ field: string; message: string }> =>
  errors.flatMap((error) => {
    const field = prefix === '' ? error.property : /^\d+$/.test(error.property) ? `${prefix}[${error.property}]` : `${prefix}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });

/** DTOs are validated strictly: unknown fields are refused, nothing is coerced. */
export const strictValidationPipe = (): ValidationPipe =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInput('the request body is not valid', flatten(errors)),
  });

const custom = (name: string, test: (value: unknown) => string | null, options?: ValidationOptions) =>
  (target: object, propertyName: string): void => {
    let failure = '';
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      ...(options !== undefined && { options }),
      validator: {
        validate(value: unknown) {
          const message = test(value);
          failure = message ?? '';
          return message === null;
        },
        defaultMessage: () => `${propertyName}: ${failure}`,
      },
    });
  };

/** Integer cents within the safe-integer range; `min` (default 0) bounds it below. */
export const IsCents = (min: number | null = 0, options?: ValidationOptions) =>
  custom(
    'isCents',
    (v) =>
      typeof v === 'number' && Number.isSafeInteger(v) && (min === null || v >= min)
        ? null
        : `must be integer cents${min === null ? '' : ` ≥ ${min}`} (a whole number, no decimals)`,
    options,
  );

/** A code of the given kind, checked for form by src/codes. */
export const IsCode = (kind: CodeKind, options?: ValidationOptions) =>
  custom('isCode', (v) => (typeof v === 'string' ? validateCode(kind, v) : 'must be a string'), options);

export const IsIsoDate = (options?: ValidationOptions) =>
  custom('isIsoDate', (v) => (typeof v === 'string' && isIsoDate(v) ? null : 'must be a date YYYY-MM-DD'), options);

export const IsIsoInstant = (options?: ValidationOptions) =>
  custom('isIsoInstant', (v) => (typeof v === 'string' && isIsoInstant(v) ? null : 'must be an ISO 8601 instant with a zone'), options);

/**
 * An optional field: it may be left out, but not sent as null (class-validator's IsOptional lets
 * null through, and null is not "absent" to the domain).
 */
export const IsOmittable = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * An array of nested DTOs, each an object (not an array) validated as `type`, between `min` and
 * `max` long: every list of lines, adjustments, reasons, allocations or rows in a request.
 */
export const IsArrayOf = (type: () => new () => object, size: { min?: number; max: number }) =>
  applyDecorators(
    IsArray(),
    ...(size.min !== undefined ? [ArrayMinSize(size.min)] : []),
    ArrayMaxSize(size.max),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
  );
