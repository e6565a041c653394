/**
 * The contract's request schemas the console's forms are drawn from: every field, its type,
 * bounds and words come from shared/src/api. The build replaces this module with the schemas as
 * plain JSON (build.ts), so the page carries the data and none of TypeBox.
 */
import { AssetCreateSchema, AssetUpdateSchema, PolicyInputSchema } from '@stocktake/shared/api';

/** The part of JSON Schema the contract's request schemas use. */
export interface JsonSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';
  description?: string;
  enum?: readonly string[];
  anyOf?: readonly JsonSchema[];
  properties?: Readonly<Record<string, JsonSchema>>;
  patternProperties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
  uniqueItems?: boolean;
}

export const assetCreateSchema: JsonSchema = AssetCreateSchema;
export const assetUpdateSchema: JsonSchema = AssetUpdateSchema;
export const policyInputSchema: JsonSchema = PolicyInputSchema;
