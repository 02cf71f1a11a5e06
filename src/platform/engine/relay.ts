import type { Response } from 'express';
import type { EngineResponse } from './engine.client';

/** Sends the engine's answer as it came: its status, its content type and its bytes. */
export function relay(response: Response, answer: EngineResponse): void {
  if (answer.contentType) response.type(answer.contentType);
  response.status(answer.status).send(answer.body);
}
