import { Controller, UseGuards } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { SessionErrorCode, SessionFlag, SessionStatus } from '@nest-nnrp/protocol';
import {
  HmacTokenPolicy,
  NnrpAuthGuard,
  NnrpClientError,
  NnrpSessionOpen,
  NnrpSubmit,
} from '@nest-nnrp/nest';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

const SECRET = 'resume-secret';

@Controller()
class ResumeController {
  @NnrpSessionOpen()
  @UseGuards(new NnrpAuthGuard(new HmacTokenPolicy(SECRET)))
  open(): boolean {
    return true;
  }

  @NnrpSubmit()
  echo(@Payload() body: Buffer): Buffer {
    return body;
  }
}

const auth = (who: string) => HmacTokenPolicy.authBlock(SECRET, who);
const RESUMABLE = { ...TOKEN_SESSION, sessionFlags: SessionFlag.AllowResume };

describe.each(CARRIER_MODES)('resume by id (decisions.md §8) over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp([ResumeController], { resumeWindowMs: 150 }, [], mode);
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  async function openAndDrop(id: number, who = 'alice'): Promise<void> {
    const client = await connectClient(server);
    const session = await client.openSession({
      ...RESUMABLE,
      requestedSessionId: id,
      authBlock: auth(who),
    });
    expect(session.id).toBe(id);
    await client.destroy();
    await new Promise((r) => setTimeout(r, 20)); // the server sees the close
  }

  const resume = async (id: number, who = 'alice', overrides = {}) => {
    const client = await connectClient(server);
    return client.openSession({
      ...RESUMABLE,
      requestedSessionId: id,
      resumeTokenBytes: 24,
      authBlock: auth(who),
      ...overrides,
    });
  };

  const rejection = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (e: unknown) => (e as NnrpClientError).openAck?.sessionErrorCode,
    );

  it('resumes inside the window with the same principal', async () => {
    await openAndDrop(101);
    const session = await resume(101);
    expect(session.ack!.sessionStatus).toBe(SessionStatus.Resumed);
    expect(session.ack!.sessionId).toBe(101);
    const outcome = await session.submit(Buffer.from('back'), { payloadKindBitmap: 2 }).done;
    expect(outcome.kind).toBe('result');
  });

  it('refuses resume after the window', async () => {
    await openAndDrop(102);
    await new Promise((r) => setTimeout(r, 250));
    expect(await rejection(resume(102))).toBe(SessionErrorCode.ResumeRejected);
  });

  it('refuses resume from another principal', async () => {
    await openAndDrop(103, 'alice');
    expect(await rejection(resume(103, 'mallory'))).toBe(SessionErrorCode.ResumeRejected);
  });

  it('refuses resume of a live session', async () => {
    const client = await connectClient(server);
    await client.openSession({ ...RESUMABLE, requestedSessionId: 104, authBlock: auth('alice') });
    expect(await rejection(resume(104))).toBe(SessionErrorCode.ResumeRejected);
  });

  it('refuses an incompatible resume (another profile or schema)', async () => {
    await openAndDrop(105);
    expect(await rejection(resume(105, 'alice', { profileId: 1 }))).toBe(
      SessionErrorCode.ResumeRejected,
    );
  });

  it('refuses resume of a session opened without allow_resume', async () => {
    const client = await connectClient(server);
    await client.openSession({
      ...TOKEN_SESSION,
      requestedSessionId: 106,
      authBlock: auth('alice'),
    });
    await client.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(await rejection(resume(106))).toBe(SessionErrorCode.ResumeRejected);
  });
});
