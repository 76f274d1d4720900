/**
 * Task-oriented parsing into TOP form (MTOP/TOPv2 decoupled): `[IN:GET_WEATHER [SL:LOCATION
 * Paris ] ]`. The instruction defines the intents and slots it offers; the checker parses the
 * prediction (it must be well formed) and compares trees exactly, modulo whitespace.
 */
import type { Rng } from "../../rng.ts";
import type { Row, TaskFamily } from "../types.ts";
import { fail, fill, generateRows, guarded, pass, restoreSymbols } from "./common.ts";

export interface TopNode { label: string; children: (TopNode | string)[] }

/** Parses `[IN:X ... ]`; throws with the position of the first problem. */
export function parseTop(text: string): TopNode {
  const tokens = text.match(/\[(?:IN|SL):[^\s\[\]]+|\]|[^\s\[\]]+|\[/g) ?? [];
  let i = 0;
  const node = (): TopNode => {
    const open = tokens[i++]!;
    if (!/^\[(IN|SL):/.test(open)) throw new Error(`token ${i}: expected [IN:... or [SL:..., found "${open}"`);
    const label = open.slice(1);
    const children: (TopNode | string)[] = [];
    for (;;) {
      const t = tokens[i];
      if (t === undefined) throw new Error(`${label} is not closed with ]`);
      if (t === "]") { i++; break; }
      if (t.startsWith("[")) {
        const child = node();
        if (label.startsWith("IN:") === child.label.startsWith("IN:")) throw new Error(`${child.label} cannot sit directly inside ${label}`);
        children.push(child);
      } else { children.push(t); i++; }
    }
    if (label.startsWith("SL:") && children.length === 0) throw new Error(`slot ${label} is empty`);
    return { label, children };
  };
  if (tokens.length === 0) throw new Error("empty parse");
  const root = node();
  if (!root.label.startsWith("IN:")) throw new Error("the parse must start with an intent [IN:...");
  if (i < tokens.length) throw new Error(`unexpected "${tokens[i]}" after the closing ]`);
  return root;
}

export function formatTop(n: TopNode): string {
  return `[${n.label} ${n.children.map((c) => (typeof c === "string" ? c : formatTop(c))).join(" ")} ]`.replace(/ {2,}/g, " ");
}

interface Scenario {
  intent: string;
  meaning: string;
  /** Intents that can fill a slot (TOPv2's nesting), with the slot value that stands for them. */
  nested?: { intent: string; meaning: string; value: string };
  slots: Record<string, { meaning: string; values: readonly string[] }>;
  utterances: readonly string[]; // {SLOT} placeholders, in the order the slots appear
}

const TIMES = ["tomorrow", "tonight", "on friday", "at 7 am", "this weekend", "next monday"];
const SCENARIOS: readonly Scenario[] = [
  { intent: "GET_WEATHER", meaning: "asking for a weather forecast",
    slots: { LOCATION: { meaning: "a place", values: ["Paris", "Nairobi", "Quito", "Hanoi", "Oslo"] }, DATE_TIME: { meaning: "a date or time", values: TIMES } },
    utterances: ["what is the weather in {LOCATION} {DATE_TIME}", "will it rain {DATE_TIME} in {LOCATION}", "forecast for {LOCATION}"] },
  { intent: "CREATE_ALARM", meaning: "setting an alarm",
    slots: { DATE_TIME: { meaning: "a date or time", values: TIMES } },
    utterances: ["wake me up {DATE_TIME}", "set an alarm {DATE_TIME}", "i need an alarm {DATE_TIME} please"] },
  { intent: "CREATE_REMINDER", meaning: "making a reminder",
    slots: { TODO: { meaning: "the thing to remember", values: ["call mom", "buy milk", "water the plants", "pay rent"] }, DATE_TIME: { meaning: "a date or time", values: TIMES } },
    utterances: ["remind me to {TODO} {DATE_TIME}", "{DATE_TIME} remind me to {TODO}", "set a reminder to {TODO}"] },
  { intent: "SEND_MESSAGE", meaning: "sending a text message",
    slots: { RECIPIENT: { meaning: "who receives it", values: ["Ana", "Kwame", "Li", "Omar", "Sven"] }, CONTENT_EXACT: { meaning: "the message text", values: ["running late", "see you soon", "happy birthday", "call me back"] } },
    utterances: ["text {RECIPIENT} {CONTENT_EXACT}", "send {RECIPIENT} a message saying {CONTENT_EXACT}", "message {RECIPIENT} {CONTENT_EXACT}"] },
  { intent: "PLAY_MUSIC", meaning: "playing music",
    slots: { MUSIC_GENRE: { meaning: "a style of music", values: ["jazz", "reggae", "techno", "folk"] }, MUSIC_ARTIST_NAME: { meaning: "a performer", values: ["Fela Kuti", "Bjork", "Miles Davis", "Rosalia"] } },
    utterances: ["play some {MUSIC_GENRE}", "put on {MUSIC_ARTIST_NAME}", "play {MUSIC_GENRE} by {MUSIC_ARTIST_NAME}"] },
  { intent: "GET_DIRECTIONS", meaning: "asking for a route",
    nested: { intent: "GET_LOCATION_HOME", meaning: "looking up the user's home", value: "my home" },
    slots: { DESTINATION: { meaning: "where to go", values: ["the airport", "the museum", "Union Station", "the beach", "my home"] }, METHOD_TRAVEL: { meaning: "how to travel", values: ["walking", "driving", "by bus", "by bike"] } },
    utterances: ["directions to {DESTINATION}", "what is the way to {DESTINATION} {METHOD_TRAVEL}", "{METHOD_TRAVEL} route to {DESTINATION}"] },
];

const TEMPLATES = [
  "Parse the request into a TOP-form API call [IN:INTENT [SL:SLOT words ] ]. Intents: {intents}. Slots: {slots}.",
  "{intents}. {slots}. Write the semantic parse of the utterance in TOP notation, slots in the order they appear.",
  "Convert the user request into an API call in TOP form. Defined intents: {intents}. Defined slots: {slots}.",
] as const;

const HEADER = { name: "top", domain: "API call", form: "TOP" };

export const top: TaskFamily = {
  ...HEADER,
  checker: "exact",
  description: "Assistant requests to TOP-form intent/slot parses (MTOP-like); parsed for well-formedness, then exact match modulo whitespace.",
  templates: TEMPLATES,
  generate(n: number, seed: number): Row[] {
    return generateRows(HEADER, n, seed, (rng: Rng) => {
      const offered = rng.sample(SCENARIOS, 3);
      const s = rng.pick(offered);
      const utterance = rng.pick(s.utterances);
      const values: Record<string, string> = {};
      for (const [slot, spec] of Object.entries(s.slots)) values[slot] = rng.pick(spec.values);
      const order = [...utterance.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const slotsDefined = [...new Set(offered.flatMap((o) => Object.keys(o.slots)))];
      const slotMeaning = (name: string) => offered.flatMap((o) => (o.slots[name] ? [o.slots[name]!.meaning] : []))[0]!;
      const intents = offered.flatMap((o) => [o, ...(o.nested ? [o.nested] : [])]).map((o) => `${o.intent} means ${o.meaning}`).join("; ");
      // A slot value that names a nested intent is parsed as that intent, e.g. "home".
      const fillSlot = (slot: string) => (s.nested && values[slot] === s.nested.value ? `[IN:${s.nested.intent} ]` : values[slot]!);
      const slots = slotsDefined.map((name) => `${name} means ${slotMeaning(name)}`).join("; ");
      return {
        instruction: fill(rng.pick(TEMPLATES), { intents, slots }),
        input: fill(utterance, values),
        output: `[IN:${s.intent} ${order.map((slot) => `[SL:${slot} ${fillSlot(slot)} ]`).join(" ")} ]`.replace(/ {2,}/g, " "),
        meta: { symbols: [...offered.flatMap((o) => [o.intent, ...(o.nested ? [o.nested.intent] : [])]), ...slotsDefined] },
      };
    });
  },
  check(row: Row, prediction: string) {
    return guarded(() => {
      const want = formatTop(parseTop(restoreSymbols(row, row.output)));
      let got: string;
      try {
        got = formatTop(parseTop(restoreSymbols(row, prediction)));
      } catch (error) {
        return fail(`not a well-formed TOP parse: ${(error as Error).message}`);
      }
      return got === want ? pass() : fail(`parse ${got} differs from ${want}`);
    });
  },
};
