// Routes declare their params, query and body as zod schemas (fastify-type-provider-zod); a
// request that does not match is refused by Fastify before the handler runs. This turns that
// refusal into one line naming the field, for the plugins' error handlers to answer as a 400.
import type {
  ContextConfigDefault,
  FastifyInstance,
  FastifySchema,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
  RouteHandlerMethod,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Zod schemas for the routes of `app` and its children only (call inside a scoped plugin). */
export function useZodSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}

/** A handler whose request is typed by its route's zod `schema`, written apart from the route's registration. */
export type ZodHandler<Schema extends FastifySchema> = RouteHandlerMethod<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  RouteGenericInterface,
  ContextConfigDefault,
  Schema,
  ZodTypeProvider
>;

// What the request calls each part, as the NUL guard words it (src/http/admin/nul-guard.ts).
const PART: Record<string, string> = { params: 'path', querystring: 'query', body: 'body', headers: 'header' };

/**
 * The first problem of a schema refusal as one line, else undefined (not a schema refusal).
 * Messages written for a field name it already ('"store" is required…', 'invalid cross-sell
 * id'); zod's own ('Invalid input: expected string, received array') get the field in front.
 */
export function invalidRequestMessage(err: unknown): string | undefined {
  if (!hasZodFastifySchemaValidationErrors(err)) return undefined;
  const issue = err.validation[0]!;
  const part = PART[(err as { validationContext?: string }).validationContext ?? ''] ?? 'request';
  const field = issue.instancePath.split('/').filter(Boolean).join('.');
  const message = issue.message ?? 'not valid';
  const named = field === '' ? part : (field.split('.').at(-1) as string);
  if (new RegExp(`\\b${escapeRegExp(named)}\\b`, 'i').test(message)) return message;
  return field === '' ? `${part}: ${message}` : `${part} value ${JSON.stringify(field)}: ${message}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A query parameter's first value as sent (a repeated parameter keeps its first value). */
export const firstValue = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (Array.isArray(value) ? value[0] : value));

/** A query value as one trimmed, bounded string; blank is absent. */
export const queryText = firstValue.transform((value) => {
  const text = value?.trim().slice(0, 200);
  return text === '' ? undefined : text;
});

const NOT_A_FORM = 'expected a form body (application/x-www-form-urlencoded)';

/** A form body: none at all reads as an empty form. */
export const formBody = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.preprocess((body) => body ?? {}, z.object(shape, { error: NOT_A_FORM }));
