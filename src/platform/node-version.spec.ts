import { nodeVersionProblem } from './node-version';

describe('the Node.js version check', () => {
  it('accepts Node 24 and newer', () => {
    expect(nodeVersionProblem('24.0.0')).toBeUndefined();
    expect(nodeVersionProblem('25.1.0')).toBeUndefined();
  });

  it('refuses an older Node in one sentence that says what to run instead', () => {
    expect(nodeVersionProblem('20.19.2')).toBe(
      "Xshathra Realtime needs Node.js 24 or newer (this is v20.19.2): run it through npm (npm run dev, npm start, npm run cli), which uses the project's own Node 24.",
    );
  });
});
