import { describe, expect, it } from 'vitest';
import {
  compilePipeline,
  parsePipelineText,
  toMermaid,
  type PipelineDocument,
  type PipelinePlan,
} from '../src';
import { catalog } from './fixtures';

function parse(text: string): PipelineDocument {
  const parsed = parsePipelineText(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems, null, 2));
  return parsed.document;
}

const DOC = `apiVersion: flowgate/v1
kind: Pipeline
metadata: { name: g, version: 1 }
spec:
  steps:
    - { id: fetch, uses: http.request, with: { url: "https://x.example" } }
    - id: par
      parallel:
        branches:
          - [ { id: a, uses: core.echo }, { id: b, set: { v: 1 } } ]
          - [ { id: c, wait: { duration: 90s } } ]
    - id: m
      map: { items: "\${ [1] }", steps: [ { id: inner, uses: llm.chat, with: { prompt: hi } } ] }
    - id: sw
      needs: [fetch]
      switch:
        cases: [ { when: "\${ true }", steps: [ { id: x, fail: { message: no } } ] } ]
        default: [ { id: y, approval: { approvers: { roles: [r] } } } ]
    - id: lp
      when: "\${ input.again }"
      loop: { while: "\${ false }", steps: [ { id: z, pipeline: { name: kid, version: 1 } } ] }
    - id: book
      uses: core.echo
      compensate: [ { id: undo, input: { schema: { type: object } } } ]
`;

const EXPECTED = `flowchart TD
  s1["fetch<br/>http.request"]
  subgraph s2["par (parallel, join all, merge collect)"]
    direction TB
    subgraph s3["branch 0"]
      direction TB
      s4["a<br/>core.echo"]
      s5["b<br/>set"]
      s4 --> s5
    end
    subgraph s6["branch 1"]
      direction TB
      s7(["c<br/>wait 1m30s"])
    end
  end
  subgraph s8["m (map, concurrency 10, collect)"]
    direction TB
    s9["inner<br/>llm.chat"]
  end
  subgraph s10["sw (switch)"]
    direction TB
    subgraph s11["case 0"]
      direction TB
      s12>"x<br/>fail PipelineFailed"]
    end
    subgraph s13["default"]
      direction TB
      s14{{"y<br/>approval, quorum 1"}}
    end
  end
  subgraph s15["lp (loop while, max 100)"]
    direction TB
    s16[["z<br/>pipeline kid@1"]]
  end
  s17["book<br/>core.echo"]
  subgraph s18["compensate book"]
    direction TB
    s19{{"undo<br/>input"}}
  end
  s17 -. compensate .-> s18
  s1 --> s2
  s2 --> s8
  s1 --> s10
  s10 -.-> s15
  s15 --> s17
`;

describe('toMermaid', () => {
  it('draws a document: subgraphs for containers, edges from needs, dotted edges into conditional steps', () => {
    expect(toMermaid(parse(DOC))).toBe(EXPECTED);
  });

  it('draws a compiled plan the same way', () => {
    const kid: PipelinePlan = {
      apiVersion: 'flowgate/v1',
      pipeline: { name: 'kid', version: 1, tags: [] },
      digest: 'k',
      steps: [],
      activities: [],
    };
    const plan = compilePipeline(parse(DOC), { catalog, subPlans: new Map([['kid@1', kid]]) });
    expect(toMermaid(plan)).toBe(EXPECTED);
  });

  it('escapes quotes and angle brackets in labels', () => {
    const out = toMermaid(
      parse(DOC.replace('http.request, with: { url: "https://x.example" }', 'http.request')),
    );
    expect(out).not.toContain('#quot;');
    const plan = compilePipeline(parse(DOC.replace('kid', 'kid')), {
      catalog,
      subPlans: new Map([
        [
          'kid@1',
          {
            apiVersion: 'flowgate/v1',
            pipeline: { name: 'kid', version: 1, tags: [] },
            digest: 'k',
            steps: [],
            activities: [],
          },
        ],
      ]),
    });
    const s0 = plan.steps[0];
    if (s0?.kind !== 'uses') throw new Error('expected uses');
    s0.uses = 'a"b<c>';
    expect(toMermaid(plan)).toContain('s1["fetch<br/>a#quot;b#lt;c#gt;"]');
  });
});
