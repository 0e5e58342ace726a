import { type LlmSim, startLlmSim } from '../../src/orchestrators/llm-sim/llm-sim-server.js';
import { type OpenAiStubServer, startOpenAiStub } from './openai-stub-server.js';

export interface RecordedSim {
  /** Where the orchestrator under test sends its chat completions. */
  url: string;
  /** Every request sent so far, so a test can read what the models were sent. */
  requests: OpenAiStubServer['requests'];
  close(): Promise<void>;
}

/** llm-sim behind a stub that keeps every request and passes it on unchanged. */
export async function startRecordedSim(): Promise<RecordedSim> {
  const sim: LlmSim = await startLlmSim();
  const recorded = await startOpenAiStub(async (request) => {
    const response = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    return { status: response.status, body: await response.json() };
  });
  return {
    url: recorded.url,
    requests: recorded.requests,
    close: async () => {
      await recorded.close();
      await sim.close();
    },
  };
}
