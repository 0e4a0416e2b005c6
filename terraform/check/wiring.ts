import { type Body, blocksOf, localsOf, type TerraformModule } from './read-terraform.js';

/** What the code says the deployment must provide; each list comes from the code itself, not a copy. */
export interface CodeFacts {
  /** Entry points `functions/index.ts` registers. */
  functionNames: readonly string[];
  /** Configuration keys `loadConfig` requires in gcp mode. */
  requiredGcpKeys: readonly string[];
  /** Every configuration key `loadConfig` reads. */
  configKeys: readonly string[];
  /** Jobs `control` runs at `/jobs/<job>`. */
  controlJobs: readonly string[];
  /** Where `control` receives dead letters. */
  deadLettersPath: string;
  /** Structured log events operators count (shared/runtime/log-events.ts). */
  logEvents: readonly string[];
  /** firestore.indexes.json. */
  indexFile: {
    indexes: { collectionGroup: string; queryScope: string; fields: Record<string, string>[] }[];
    fieldOverrides: { collectionGroup: string; fieldPath: string }[];
  };
  /** Names of the variables terraform.tfvars.example sets. */
  exampleVariables: readonly string[];
}

const FUNCTION_URL = /^\$\{local\.function_urls\["(\w+)"\]\}(.*)$/;

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

function single(body: Body, key: string): Body | undefined {
  const value = body[key];
  return Array.isArray(value) ? (value[0] as Body | undefined) : undefined;
}

/** The name `X` of `${google_pubsub_topic.X.id}` (or `.name`). */
function topicRef(expr: unknown): string | undefined {
  return typeof expr === 'string'
    ? /^\$\{google_pubsub_topic\.(\w+)\.(id|name)\}$/.exec(expr)?.[1]
    : undefined;
}

/** The same recipe terraform/firestore.tf keys composite indexes by. */
export function indexKey(index: CodeFacts['indexFile']['indexes'][number]): string {
  const fields = index.fields.map((f) => `${f.fieldPath}:${f.order ?? f.arrayConfig ?? ''}`).join(',');
  return `${index.collectionGroup}/${index.queryScope}/${fields}`;
}

/**
 * Cross-checks the module against the code: function names and entry points, the configuration every
 * function needs, control jobs and their Scheduler jobs, topics and push subscriptions, OIDC audiences
 * against the URLs called, dead-letter plumbing, deployed Firestore indexes, log-based metrics against the
 * events the code logs, and the variables of terraform.tfvars.example. Answers one line per problem.
 */
export function checkWiring(module: TerraformModule, facts: CodeFacts): string[] {
  const problems: string[] = [];
  const locals = localsOf(module);
  const resources = module.json.resource;
  const fn = blocksOf(resources, 'google_cloudfunctions2_function');

  // functions and entry points
  const declared = Object.keys((locals.functions as Body | undefined) ?? {});
  for (const name of facts.functionNames)
    if (!declared.includes(name))
      problems.push(`function ${name} is registered by the code but not deployed (local.functions)`);
  for (const name of declared)
    if (!facts.functionNames.includes(name))
      problems.push(`local.functions names ${name}, which the code does not register`);
  if (fn.length !== 1)
    problems.push('expected one google_cloudfunctions2_function resource, for_each over local.functions');
  const [, fnBody] = fn[0] ?? ['', {}];
  if (fnBody.for_each !== '${local.functions}')
    problems.push('the functions must be created for_each = local.functions');
  const build = single(fnBody, 'build_config') ?? {};
  if (build.entry_point !== '${each.key}')
    problems.push('build_config.entry_point must be each.key (the registered name)');
  if (build.runtime !== 'nodejs24')
    problems.push(`build_config.runtime is ${String(build.runtime)}, not nodejs24`);
  const urls = String(locals.function_urls ?? '');
  if (!/for name in keys\(local\.functions\)/.test(urls))
    problems.push('local.function_urls must be built from keys(local.functions)');

  // configuration
  const service = single(fnBody, 'service_config') ?? {};
  const env = (service.environment_variables as Record<string, unknown> | undefined) ?? {};
  const secrets = ((service.secret_environment_variables as Body[] | undefined) ?? []).map((s) =>
    String(s.key),
  );
  const set = [...Object.keys(env), ...secrets];
  for (const key of facts.requiredGcpKeys)
    if (!set.includes(key))
      problems.push(`${key} is required by loadConfig in gcp mode but not set on the functions`);
  for (const key of set)
    if (key !== 'NODE_ENV' && !facts.configKeys.includes(key))
      problems.push(`the functions set ${key}, which loadConfig does not read`);
  if (env.MAILMON_MODE !== 'gcp') problems.push('MAILMON_MODE must be "gcp"');
  if (env.MAILMON_OIDC_AUDIENCES !== '${each.key}=${local.function_urls[each.key]}')
    problems.push(
      'MAILMON_OIDC_AUDIENCES must pair each function with its own URL only ("${each.key}=${local.function_urls[each.key]}")',
    );
  if (env.MAILMON_DELIVER_WEBHOOK_URL !== '${local.function_urls["deliverWebhook"]}')
    problems.push('MAILMON_DELIVER_WEBHOOK_URL must be deliverWebhook’s URL');
  if (env.MAILMON_OAUTH_REDIRECT_URL !== '${local.function_urls["oauthCallback"]}')
    problems.push('MAILMON_OAUTH_REDIRECT_URL must be oauthCallback’s URL');

  // control jobs and their Scheduler jobs
  const schedules = (module.json.variable?.control_schedules?.[0]?.default as Record<string, unknown>) ?? {};
  for (const job of facts.controlJobs)
    if (!(job in schedules))
      problems.push(`control job ${job} has no scheduler job (variable control_schedules)`);
  for (const job of Object.keys(schedules))
    if (!facts.controlJobs.includes(job)) problems.push(`scheduler job ${job} names no control job`);
  const condition = String(
    (module.json.variable?.control_schedules?.[0]?.validation as Body[] | undefined)?.[0]?.condition ?? '',
  );
  const listed = /\[("[a-z_]+"(?:,\s*"[a-z_]+")*)\]/.exec(condition)?.[1]?.match(/[a-z_]+/g) ?? [];
  if (!sameSet(listed, facts.controlJobs))
    problems.push('the validation of variable control_schedules must list exactly the control jobs');
  for (const [name, job] of blocksOf(resources, 'google_cloud_scheduler_job')) {
    if (job.for_each !== '${var.control_schedules}')
      problems.push(`scheduler job ${name} must be for_each = var.control_schedules`);
    const target = single(job, 'http_target') ?? {};
    const uri = FUNCTION_URL.exec(String(target.uri));
    if (uri?.[1] !== 'control' || uri[2] !== '/jobs/${each.key}')
      problems.push(`scheduler job ${name} must call local.function_urls["control"]/jobs/\${each.key}`);
    checkAudience(`google_cloud_scheduler_job.${name}`, target, 'uri', problems, facts);
    if (!job.attempt_deadline)
      problems.push(`scheduler job ${name} has no attempt_deadline (Scheduler gives up after 3 minutes)`);
  }

  // topics, push subscriptions and dead letters
  const subscriptions = blocksOf(resources, 'google_pubsub_subscription');
  const pushTo = (target: string) =>
    subscriptions.filter(
      ([, s]) => FUNCTION_URL.exec(String(single(s, 'push_config')?.push_endpoint))?.[1] === target,
    );
  for (const [key, target] of [
    ['MAILMON_GMAIL_TOPIC', 'gmailPush'],
    ['MAILMON_SYNC_TOPIC', 'syncMailbox'],
  ] as const) {
    const topic = topicRef(env[key]);
    const subs = pushTo(target);
    if (!topic) problems.push(`${key} must name a google_pubsub_topic`);
    else if (!subs.some(([, s]) => topicRef(s.topic) === topic))
      problems.push(`no subscription pushes ${key}'s topic (${topic}) to ${target}`);
  }
  for (const [name, sub] of subscriptions) {
    const push = single(sub, 'push_config');
    if (push) checkAudience(`google_pubsub_subscription.${name}`, push, 'push_endpoint', problems, facts);
    if (single(sub, 'expiration_policy')?.ttl !== '')
      problems.push(`subscription ${name} expires after 31 idle days: set expiration_policy { ttl = "" }`);
    const dead = topicRef(single(sub, 'dead_letter_policy')?.dead_letter_topic);
    if (!dead) continue;
    if (!subscriptions.some(([, s]) => topicRef(s.topic) === dead))
      problems.push(`dead-letter topic ${dead} has no subscription: its messages are lost`);
    const publishes = blocksOf(resources, 'google_pubsub_topic_iam_member').some(
      ([, m]) =>
        topicRef(m.topic) === dead &&
        m.member === '${local.pubsub_service_agent}' &&
        m.role === 'roles/pubsub.publisher',
    );
    if (!publishes) problems.push(`the Pub/Sub service agent cannot publish to dead-letter topic ${dead}`);
    const acks = blocksOf(resources, 'google_pubsub_subscription_iam_member').some(
      ([, m]) =>
        m.member === '${local.pubsub_service_agent}' &&
        m.role === 'roles/pubsub.subscriber' &&
        JSON.stringify(m).includes(`google_pubsub_subscription.${name}.name`),
    );
    if (!acks)
      problems.push(`the Pub/Sub service agent cannot forward dead letters from subscription ${name}`);
  }

  // Firestore indexes
  if (
    !/jsondecode\(file\("\$\{path\.module\}\/\.\.\/firestore\.indexes\.json"\)\)/.test(
      String(locals.index_file),
    )
  )
    problems.push('local.index_file must read ../firestore.indexes.json');
  if (
    !/for index in local\.index_file\.indexes\s*:/.test(String(locals.indexes)) ||
    /for \w+, \w+ in/.test(String(locals.indexes))
  )
    problems.push('local.indexes must key every index of the file by its content, not its position');
  const composite = blocksOf(resources, 'google_firestore_index');
  if (!composite.some(([, b]) => b.for_each === '${local.indexes}'))
    problems.push('no google_firestore_index is created for_each = local.indexes');
  const keys = facts.indexFile.indexes.map(indexKey);
  const duplicate = keys.find((k, i) => keys.indexOf(k) !== i);
  if (duplicate) problems.push(`firestore.indexes.json declares ${duplicate} twice`);
  if (!/for f in local\.index_file\.fieldOverrides/.test(String(locals.field_overrides)))
    problems.push('local.field_overrides must read every fieldOverride of the file');
  if (
    !blocksOf(resources, 'google_firestore_field').some(([, b]) => b.for_each === '${local.field_overrides}')
  )
    problems.push('no google_firestore_field is created for_each = local.field_overrides');
  if (blocksOf(resources, 'google_firebaserules_release').length === 0)
    problems.push('firestore.rules is never deployed');

  // log-based metrics against the events the code logs
  const counters = (locals.counters as Record<string, Body> | undefined) ?? {};
  const metricEvents = Object.values(counters).map((c) => String(c.event));
  for (const [, metric] of blocksOf(resources, 'google_logging_metric')) {
    const event = /jsonPayload\.event=\\?"(\w+)\\?"/.exec(String(metric.filter))?.[1];
    if (event) metricEvents.push(event);
    else if (!/each\.value\.event/.test(String(metric.filter)))
      problems.push(`log metric ${String(metric.name)} does not filter on a jsonPayload.event`);
  }
  for (const event of metricEvents)
    if (!facts.logEvents.includes(event))
      problems.push(`a log metric counts event ${event}, which the code never logs`);
  for (const event of facts.logEvents)
    if (!metricEvents.includes(event)) problems.push(`log event ${event} has no log-based metric`);
  if (
    !blocksOf(resources, 'google_monitoring_alert_policy').some(([, a]) => a.for_each === '${local.counters}')
  )
    problems.push(
      'every counter needs its alert policy (google_monitoring_alert_policy for_each = local.counters)',
    );
  for (const [name, counter] of Object.entries(counters))
    if (!String(counter.runbook ?? '').trim()) problems.push(`alert ${name} has no runbook`);

  // variables
  const declaredVars = Object.keys(module.json.variable ?? {});
  const text = Object.values(module.files).join('\n');
  for (const used of new Set([...text.matchAll(/\bvar\.(\w+)/g)].map((m) => m[1]!)))
    if (!declaredVars.includes(used)) problems.push(`var.${used} is used but not declared`);
  for (const name of declaredVars)
    if (!facts.exampleVariables.includes(name))
      problems.push(`terraform.tfvars.example does not name variable ${name}`);
  for (const name of facts.exampleVariables)
    if (!declaredVars.includes(name))
      problems.push(`terraform.tfvars.example sets ${name}, which is not a variable`);
  return problems;
}

/** A push or Scheduler target: its OIDC audience is the URL of the function it calls. */
function checkAudience(
  where: string,
  target: Body,
  urlKey: string,
  problems: string[],
  facts: CodeFacts,
): void {
  const url = FUNCTION_URL.exec(String(target[urlKey]));
  const token = single(target, 'oidc_token');
  if (!url) {
    problems.push(`${where} must call a function's URL (local.function_urls[...])`);
    return;
  }
  if (!facts.functionNames.includes(url[1]!))
    problems.push(`${where} calls ${url[1]}, which is not a function`);
  if (!token) {
    problems.push(`${where} sends no OIDC token`);
    return;
  }
  if (token.service_account_email !== '${google_service_account.invoker.email}')
    problems.push(`${where} must sign as the invoker account`);
  if (token.audience !== `\${local.function_urls["${url[1]}"]}`)
    problems.push(`${where}: audience ${String(token.audience)} is not the URL it calls (${url[1]})`);
  const path = url[2]!;
  if (path !== '' && path !== '/jobs/${each.key}' && path !== facts.deadLettersPath)
    problems.push(`${where} calls path ${path}, which ${url[1]} does not serve`);
}
