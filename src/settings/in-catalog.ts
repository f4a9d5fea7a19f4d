import { Injectable } from '@nestjs/common';
import {
  registerDecorator,
  type ValidationArguments,
  type ValidationOptions,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { field, type Presence } from '../common/http/fields';
import { Trim } from '../common/http/transforms';
import type { CatalogName } from './settings-registry';
import { SettingsService } from './settings.service';

/**
 * `@InCatalog('product_types')`: the value must be one of the current `catalog.product_types`
 * (SPEC §3: catalogue values are settings, so an admin adds a product without a code change and
 * it is accepted at once). With `{ each: true }` every item of a list is checked. An unknown
 * value is 422 (`errors[].type` "inCatalog") naming the allowed values. Non-strings are refused.
 * `null`/`undefined` are refused too: combine with `@IsOptional()` for optional fields.
 */
export function InCatalog(name: CatalogName, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'inCatalog',
      target: target.constructor,
      propertyName: String(propertyName),
      constraints: [name],
      options,
      validator: InCatalogConstraint,
    });
}

/** A request field holding a catalogue value (SPEC §3): trimmed, then @InCatalog. */
export const CatalogField = (presence: Presence, name: CatalogName, example: string) =>
  field(
    presence,
    { type: String, example, description: `A value of \`catalog.${name}\` (see /enums/all).` },
    Trim(),
    InCatalog(name),
  );

/**
 * The check behind @InCatalog. A Nest provider (of SettingsModule) so that it reads settings;
 * class-validator finds it through the container set by `useNestContainerForValidators`
 * (common/validation/validator-container.ts).
 */
@ValidatorConstraint({ name: 'inCatalog', async: true })
@Injectable()
export class InCatalogConstraint implements ValidatorConstraintInterface {
  /**
   * The allowed values each check saw, for its message (class-validator asks for the message
   * synchronously, after the asynchronous check): by the object validated, so concurrent
   * requests never mix.
   */
  private readonly seen = new WeakMap<object, Map<string, string[]>>();

  constructor(private readonly settings: SettingsService) {}

  async validate(value: unknown, args: ValidationArguments): Promise<boolean> {
    if (!this.settings) {
      throw new Error(
        '@InCatalog needs the Nest container: call useNestContainerForValidators(app) at start-up',
      );
    }
    const [name] = args.constraints as [CatalogName];
    const allowed = await this.settings.catalogValues(name);
    const byProperty = this.seen.get(args.object) ?? new Map<string, string[]>();
    byProperty.set(args.property, allowed);
    this.seen.set(args.object, byProperty);
    return typeof value === 'string' && allowed.includes(value);
  }

  defaultMessage(args: ValidationArguments): string {
    const allowed = this.seen.get(args.object)?.get(args.property) ?? [];
    const oneOf = `must be one of: ${allowed.join(', ')}`;
    if (!Array.isArray(args.value)) return oneOf;
    const unknown = args.value.filter(
      (item: unknown) => typeof item !== 'string' || !allowed.includes(item),
    );
    return `each item ${oneOf} (not allowed: ${unknown.map((item) => JSON.stringify(item)).join(', ')})`;
  }
}
