import { isUuid, placeholderNames, textProblem, type JobParameter as ContractParameter, type JobSnapshot } from "@opsconductor/kit";
import { badInput } from "@opsconductor/kit/subgraph";
import { ParameterType, ScriptInterpreter, StepType, type JobParameter, type JobRunOptions, type JobStep, type JobTargetSelection } from "./job.type";
import type { CreateJobInput, JobParameterInput, JobRunOptionsInput, JobStepInput, JobTargetSelectionInput } from "./job.input";

/** The rules of a job definition. Pure functions: they normalize or throw BAD_USER_INPUT naming the field. */

export const NAME_MAX = 100;
export const DESCRIPTION_MAX = 2000;
export const STEPS_MAX = 50;
export const STEP_CONTENT_MAX = 65_536;
export const PARAMETERS_MAX = 50;
export const CHOICES_MAX = 100;
export const VALUE_MAX = 4096;
export const TARGET_IDS_MAX = 10_000;
export const TAGS_MAX = 100;
export const BUILT_INS = ["target.name", "target.address", "run.id", "run.number"] as const;

const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const RESERVED = new Set(["target", "run"]);
const TAG = /^[a-z0-9][a-z0-9:._-]{0,39}$/;

export const DEFAULT_OPTIONS: JobRunOptions = { maxParallel: 10, targetTimeoutSeconds: 3600, retries: 0, retryBackoffSeconds: 10, stopOnFirstFailure: false };
const OPTION_BOUNDS: Record<keyof Omit<JobRunOptions, "stopOnFirstFailure">, [number, number]> = {
  maxParallel: [1, 1000],
  targetTimeoutSeconds: [1, 86_400],
  retries: [0, 10],
  retryBackoffSeconds: [0, 3600],
};

/** A job's whole definition, normalized: what a version stores. */
export interface JobDefinition {
  name: string;
  description: string | null;
  isTemplate: boolean;
  steps: JobStep[];
  parameters: JobParameter[];
  targets: JobTargetSelection;
  options: JobRunOptions;
}

function text(value: string, field: string, max: number): string {
  const problem = textProblem(value, max);
  if (problem) throw badInput(field, problem);
  return value;
}

export function normalizeName(value: string | null | undefined, field = "input.name"): string {
  const name = (value ?? "").trim();
  if (!name) throw badInput(field, "is required");
  return text(name, field, NAME_MAX);
}

export function normalizeDescription(value: string | null | undefined, field = "input.description"): string | null {
  const description = value?.trim() || null;
  return description === null ? null : text(description, field, DESCRIPTION_MAX);
}

function intIn(value: number, field: string, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw badInput(field, `must be an integer from ${min} to ${max}`);
  return value;
}

export function normalizeSteps(steps: JobStepInput[] | null | undefined, field = "input.steps"): JobStep[] {
  if (!steps?.length) throw badInput(field, "needs at least one step");
  if (steps.length > STEPS_MAX) throw badInput(field, `must have at most ${STEPS_MAX} steps`);
  return steps.map((step, index) => {
    const at = `${field}.${index}`;
    const type = step.type ?? StepType.COMMAND;
    const content = step.content ?? "";
    if (!content.trim()) throw badInput(`${at}.content`, "is required");
    text(content, `${at}.content`, STEP_CONTENT_MAX);
    if (type === StepType.COMMAND && step.interpreter != null) throw badInput(`${at}.interpreter`, "is only for SCRIPT steps");
    const name = step.name == null ? `Step ${index + 1}` : step.name.trim();
    if (!name) throw badInput(`${at}.name`, "must not be blank");
    return {
      id: `step-${index + 1}`,
      name: text(name, `${at}.name`, NAME_MAX),
      type,
      content: type === StepType.COMMAND ? content.trim() : content,
      interpreter: type === StepType.SCRIPT ? (step.interpreter ?? ScriptInterpreter.BASH) : null,
      timeoutSeconds: intIn(step.timeoutSeconds ?? 300, `${at}.timeoutSeconds`, 1, 86_400),
      continueOnError: step.continueOnError ?? false,
    };
  });
}

export function normalizeParameters(parameters: JobParameterInput[] | null | undefined, field = "input.parameters"): JobParameter[] {
  const list = parameters ?? [];
  if (list.length > PARAMETERS_MAX) throw badInput(field, `must have at most ${PARAMETERS_MAX} parameters`);
  const seen = new Set<string>();
  return list.map((input, index) => {
    const at = `${field}.${index}`;
    const name = (input.name ?? "").trim();
    if (!PARAMETER_NAME.test(name)) throw badInput(`${at}.name`, "must start with a letter or _ and hold only letters, digits and _ (at most 64)");
    if (RESERVED.has(name.toLowerCase())) throw badInput(`${at}.name`, `"${name}" is reserved for built-in variables`);
    if (seen.has(name.toLowerCase())) throw badInput(`${at}.name`, `"${name}" is declared twice`);
    seen.add(name.toLowerCase());
    const type = input.type ?? ParameterType.STRING;
    const choices = [...(input.choices ?? [])];
    if (type === ParameterType.CHOICE) {
      if (!choices.length || choices.length > CHOICES_MAX) throw badInput(`${at}.choices`, `CHOICE needs 1-${CHOICES_MAX} values`);
      choices.forEach((choice, i) => {
        if (!choice.length) throw badInput(`${at}.choices.${i}`, "must not be empty");
        text(choice, `${at}.choices.${i}`, VALUE_MAX);
      });
      if (new Set(choices).size !== choices.length) throw badInput(`${at}.choices`, "must be distinct");
    } else if (choices.length) throw badInput(`${at}.choices`, "is only for CHOICE parameters");
    let pattern: string | null = null;
    if (input.pattern != null && input.pattern !== "") {
      if (type !== ParameterType.STRING) throw badInput(`${at}.pattern`, "is only for STRING parameters");
      text(input.pattern, `${at}.pattern`, 500);
      try {
        new RegExp(`^(?:${input.pattern})$`, "u");
      } catch {
        throw badInput(`${at}.pattern`, "is not a valid regular expression");
      }
      pattern = input.pattern;
    }
    const min = input.min ?? null;
    const max = input.max ?? null;
    const ranged = type === ParameterType.INT || type === ParameterType.STRING || type === ParameterType.SECRET;
    if ((min !== null || max !== null) && !ranged) throw badInput(`${at}.${min !== null ? "min" : "max"}`, "is only for INT (value) and STRING/SECRET (length) parameters");
    if (type !== ParameterType.INT) {
      if (min !== null && min < 0) throw badInput(`${at}.min`, "a length cannot be negative");
      if (max !== null && max < 0) throw badInput(`${at}.max`, "a length cannot be negative");
    }
    if (min !== null && max !== null && min > max) throw badInput(`${at}.max`, "must not be less than min");
    const description = input.description?.trim() || null;
    if (description) text(description, `${at}.description`, 500);
    const parameter: JobParameter = { name, type, description, required: input.required ?? false, defaultValue: null, choices, pattern, min, max };
    if (input.defaultValue != null) {
      if (type === ParameterType.SECRET) throw badInput(`${at}.defaultValue`, "a SECRET parameter cannot have a default");
      parameter.defaultValue = parameterValue(parameter, input.defaultValue, `${at}.defaultValue`);
    }
    return parameter;
  });
}

/** Checks one value against its parameter (and returns it in canonical text); what a schedule stores and a run receives. */
export function parameterValue(parameter: Pick<JobParameter, "name" | "type" | "choices" | "pattern" | "min" | "max">, value: string, field: string): string {
  text(value, field, VALUE_MAX);
  switch (parameter.type) {
    case ParameterType.INT: {
      if (!/^-?\d{1,15}$/.test(value.trim())) throw badInput(field, `must be an integer (parameter ${parameter.name})`);
      const number = Number(value.trim());
      if (parameter.min !== null && number < parameter.min) throw badInput(field, `must be at least ${parameter.min}`);
      if (parameter.max !== null && number > parameter.max) throw badInput(field, `must be at most ${parameter.max}`);
      return String(number);
    }
    case ParameterType.BOOL: {
      const lower = value.trim().toLowerCase();
      if (!["true", "false"].includes(lower)) throw badInput(field, "must be true or false");
      return lower;
    }
    case ParameterType.CHOICE:
      if (!parameter.choices.includes(value)) throw badInput(field, `must be one of ${parameter.choices.map((choice) => JSON.stringify(choice)).join(", ")}`);
      return value;
    default: {
      if (parameter.min !== null && value.length < parameter.min) throw badInput(field, `must be at least ${parameter.min} characters`);
      if (parameter.max !== null && value.length > parameter.max) throw badInput(field, `must be at most ${parameter.max} characters`);
      if (parameter.pattern !== null && !new RegExp(`^(?:${parameter.pattern})$`, "u").test(value)) throw badInput(field, `must match ${parameter.pattern}`);
      return value;
    }
  }
}

/** Every `{{name}}` in a step names a declared parameter or a built-in; otherwise the step's field is named. */
export function checkPlaceholders(steps: JobStep[], parameters: JobParameter[], field = "input.steps"): void {
  const declared = new Set(parameters.map((parameter) => parameter.name));
  steps.forEach((step, index) => {
    for (const [part, value] of [["content", step.content], ["name", step.name]] as const) {
      for (const reference of placeholderNames(value)) {
        const at = `${field}.${index}.${part}`;
        if (reference.includes(".")) {
          if (!(BUILT_INS as readonly string[]).includes(reference)) throw badInput(at, `{{${reference}}} is not a built-in variable (known: ${BUILT_INS.join(", ")})`);
        } else if (!declared.has(reference)) {
          throw badInput(at, `{{${reference}}} refers to an undeclared parameter`);
        }
      }
    }
  });
}

export function normalizeTargets(input: JobTargetSelectionInput | null | undefined, field = "input.targets"): JobTargetSelection {
  const ids = input?.targetIds ?? [];
  if (ids.length > TARGET_IDS_MAX) throw badInput(`${field}.targetIds`, `must have at most ${TARGET_IDS_MAX} ids`);
  ids.forEach((id, index) => {
    if (!isUuid(id)) throw badInput(`${field}.targetIds.${index}`, "must be a target id");
  });
  const tags = [...new Set((input?.tags ?? []).map((tag) => tag.trim().toLowerCase()))];
  if (tags.length > TAGS_MAX) throw badInput(`${field}.tags`, `must have at most ${TAGS_MAX} tags`);
  tags.forEach((tag, index) => {
    if (!TAG.test(tag)) throw badInput(`${field}.tags.${index}`, "must be a tag (lower-case letters, digits, : . _ -; at most 40)");
  });
  const groupId = input?.groupId ?? null;
  if (groupId !== null && !isUuid(groupId)) throw badInput(`${field}.groupId`, "must be a saved group id");
  return { targetIds: [...new Set(ids.map((id) => id.toLowerCase()))], tags, groupId: groupId?.toLowerCase() ?? null };
}

export function normalizeOptions(input: JobRunOptionsInput | null | undefined, base: JobRunOptions = DEFAULT_OPTIONS, field = "input.options"): JobRunOptions {
  const options = { ...base };
  for (const [key, [min, max]] of Object.entries(OPTION_BOUNDS) as Array<[keyof typeof OPTION_BOUNDS, [number, number]]>) {
    const value = input?.[key];
    if (value != null) options[key] = intIn(value, `${field}.${key}`, min, max);
  }
  if (input?.stopOnFirstFailure != null) options.stopOnFirstFailure = input.stopOnFirstFailure;
  return options;
}

export function validateCreate(input: CreateJobInput): JobDefinition {
  const definition: JobDefinition = {
    name: normalizeName(input.name),
    description: normalizeDescription(input.description),
    isTemplate: input.isTemplate ?? false,
    steps: normalizeSteps(input.steps),
    parameters: normalizeParameters(input.parameters),
    targets: normalizeTargets(input.targets),
    options: normalizeOptions(input.options),
  };
  checkPlaceholders(definition.steps, definition.parameters);
  return definition;
}

/** The contract's shape of a definition (the internal snapshot route). */
export function snapshotOf(jobId: string, version: number, definition: Omit<JobDefinition, "description" | "isTemplate">): JobSnapshot {
  const parameters: ContractParameter[] = definition.parameters.map(({ name, type, required, defaultValue, choices, pattern, min, max }) => ({
    name,
    type,
    required,
    defaultValue: type === ParameterType.SECRET ? null : defaultValue,
    choices,
    pattern,
    min,
    max,
  }));
  return {
    jobId,
    name: definition.name,
    version,
    steps: definition.steps.map((step) => ({ ...step, interpreter: step.interpreter })),
    parameters,
    targets: definition.targets,
    options: definition.options,
  };
}
