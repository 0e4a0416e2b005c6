import * as v from 'valibot';

const email = v.pipe(v.string(), v.trim(), v.email('must be an email address'));
const nonEmpty = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'));
const addressList = v.union([
  v.pipe(v.string(), v.minLength(1)),
  v.array(v.pipe(v.string(), v.minLength(1))),
]);

/** `POST /__admin/users` */
export const CreateUserSchema = v.object({ email });

/** `POST /__admin/clients` */
export const RegisterClientSchema = v.object({
  clientId: nonEmpty,
  clientSecret: nonEmpty,
  redirectUris: v.pipe(v.array(v.pipe(v.string(), v.url('must be an absolute URL'))), v.minLength(1)),
});

/** `POST /__admin/users/{email}/tokens` */
export const IssueTokensSchema = v.object({
  clientId: v.optional(nonEmpty),
  scope: v.optional(nonEmpty),
});

/** `POST /__admin/users/{email}/labels` */
export const CreateLabelSchema = v.object({ name: nonEmpty });

/** `POST /__admin/users/{email}/messages` */
export const AddMessageSchema = v.object({
  from: nonEmpty,
  to: addressList,
  cc: v.optional(addressList),
  subject: v.string(),
  text: v.optional(v.string()),
  html: v.optional(v.string()),
  labelIds: v.optional(v.array(nonEmpty)),
  threadId: v.optional(nonEmpty),
  internalDate: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  attachments: v.optional(
    v.array(
      v.object({
        filename: nonEmpty,
        mimeType: v.pipe(
          v.string(),
          v.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type like application/pdf'),
        ),
        size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(35 * 1024 * 1024)),
      }),
    ),
    [],
  ),
});

/** `POST /__admin/users/{email}/messages/{id}/modify` */
export const ModifySchema = v.object({
  addLabelIds: v.optional(v.array(nonEmpty), []),
  removeLabelIds: v.optional(v.array(nonEmpty), []),
});

/** `POST /__admin/users/{email}/seed` */
export const SeedSchema = v.object({
  count: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)),
  seed: v.optional(v.pipe(v.number(), v.integer()), 1),
  recordHistory: v.optional(v.boolean(), false),
  maxThreadSize: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 5),
});

/** `PUT /__admin/quota` */
export const QuotaSchema = v.strictObject({
  unitsPerMinute: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  maxConcurrentPerUser: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  exceededStatus: v.optional(v.picklist([429, 403])),
});
