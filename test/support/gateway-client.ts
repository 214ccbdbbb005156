import { GraphQLClient } from 'graphql-request';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';

/** REST over plain fetch with an API key. */
export function restClient(restUrl: string, key: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    return fetch(`${restUrl}${path}`, {
      ...rest,
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      headers: {
        authorization: `Bearer ${key}`,
        ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(rest.headers ?? {}),
      },
    });
  };
}

/** A GraphQL client (graphql-request) for one API key. */
export function graphqlClient(graphqlUrl: string, key: string): GraphQLClient {
  return new GraphQLClient(graphqlUrl, { headers: { authorization: `Bearer ${key}` } });
}

/** A graphql-ws client (the `graphql-transport-ws` protocol) authenticating in `connection_init`. */
export function subscriptionClient(graphqlUrl: string, key: string): WsClient {
  return createClient({
    url: graphqlUrl.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
  });
}

export interface SseMessage {
  event: string;
  data: unknown;
  id?: string;
}

/** Reads a server-sent event stream until it closes (or the timeout), keeping comments apart. */
export async function readSse(
  url: string,
  key: string,
  timeoutMs = 30_000,
): Promise<{
  status: number;
  contentType: string | null;
  messages: SseMessage[];
  comments: string[];
  closedByServer: boolean;
}> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' },
    signal: controller.signal,
  });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  let closedByServer = false;
  if (res.ok && res.body) {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const msg: Partial<SseMessage> & { lines: string[] } = { lines: [] };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('event: ')) msg.event = line.slice(7);
            else if (line.startsWith('data: ')) msg.lines.push(line.slice(6));
            else if (line.startsWith('id: ')) msg.id = line.slice(4);
          }
          if (msg.event)
            messages.push({
              event: msg.event,
              data: JSON.parse(msg.lines.join('\n')),
              ...(msg.id ? { id: msg.id } : {}),
            });
        }
      }
      closedByServer = true;
    } catch {
      closedByServer = false;
    }
  }
  clearTimeout(timer);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages,
    comments,
    closedByServer,
  };
}

/** Polls until `check` returns a value (not undefined). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
