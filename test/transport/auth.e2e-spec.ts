import { Controller, UseGuards } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  encodeClientHello,
  encodeFrameSubmit,
  encodePacket,
  ErrorCode,
  ErrorScope,
  HeaderFlag,
  MessageType,
  SessionErrorCode,
  SessionStatus,
} from '@nest-nnrp/protocol';
import {
  DEFAULT_CLIENT_HELLO,
  DEFAULT_FRAME_SUBMIT,
  HmacTokenPolicy,
  NnrpAuthGuard,
  NnrpAuthRejection,
  NnrpAuthRequest,
  NnrpClientError,
  NnrpContext,
  NnrpSessionOpen,
  NnrpSubmit,
} from '@nest-nnrp/nest';
import { CARRIER_MODES } from '../support/carrier-mode';
import { NnrpTestApp, startNnrpTestApp } from '../support/nnrp-test-app';
import { connectClient, destroyClients, TOKEN_SESSION } from '../support/nnrp-test-client';

const SECRET = 'shared-secret';
const seen: { flow: string; principal: string | undefined }[] = [];
let submitsHandled = 0;

@Controller()
class GuardedController {
  @NnrpSessionOpen()
  @UseGuards(new NnrpAuthGuard(new HmacTokenPolicy(SECRET)))
  open(@Payload() request: NnrpAuthRequest, @Ctx() ctx: NnrpContext): boolean {
    seen.push({ flow: request.flow, principal: ctx.principal });
    return true;
  }

  @NnrpSubmit()
  whoami(@Ctx() ctx: NnrpContext): string {
    submitsHandled++;
    return ctx.session?.principal ?? 'anonymous';
  }
}

@Controller()
class CustomCodeController {
  @NnrpSessionOpen()
  open(@Payload() request: NnrpAuthRequest): boolean {
    if (request.open?.priorityClass === 2)
      throw new NnrpAuthRejection(SessionErrorCode.PriorityRejected);
    return true;
  }

  @NnrpSubmit()
  echo(@Payload() body: Buffer): Buffer {
    return body;
  }
}

describe.each(CARRIER_MODES)('auth policy on both handshakes (decisions.md §9) over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp([GuardedController], {}, [], mode);
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it('accepts a valid HMAC token on CLIENT_HELLO and records the principal', async () => {
    const client = await connectClient(server);
    const session = await client.hello({ authBlock: HmacTokenPolicy.authBlock(SECRET, 'alice') });
    const outcome = await session.submit(Buffer.alloc(0), { payloadKindBitmap: 1 }).done;
    expect(outcome.kind === 'result' && outcome.body.toString()).toBe('alice');
    expect(seen).toContainEqual({ flow: 'hello', principal: 'alice' });
  });

  it('refuses a bad token on CLIENT_HELLO with ERROR auth_failed (fatal) and closes', async () => {
    const client = await connectClient(server);
    const requested = 9;
    const error = (await client
      .hello({
        authBlock: HmacTokenPolicy.authBlock('wrong', 'mallory'),
        requestedSessionId: requested,
      })
      .catch((e: unknown) => e)) as NnrpClientError;
    expect(error).toBeInstanceOf(NnrpClientError);
    expect(error.errorCode).toBe(ErrorCode.AuthFailed);
    expect(error.error?.isFatal).toBe(true);
    expect(error.error?.errorScope).toBe(ErrorScope.Connection);
    expect(error.error?.relatedSessionId).toBe(requested);
    await client.closed;
  });

  it('refuses a hello without an auth block', async () => {
    const client = await connectClient(server);
    const error = (await client.hello().catch((e: unknown) => e)) as NnrpClientError;
    expect(error.errorCode).toBe(ErrorCode.AuthFailed);
  });

  it('accepts a valid token in SESSION_OPEN', async () => {
    const client = await connectClient(server);
    const session = await client.openSession({
      ...TOKEN_SESSION,
      authBlock: HmacTokenPolicy.authBlock(SECRET, 'bob'),
    });
    expect(session.ack!.sessionStatus).toBe(SessionStatus.Opened);
    const outcome = await session.submit(Buffer.alloc(0), { payloadKindBitmap: 2 }).done;
    expect(outcome.kind === 'result' && outcome.body.toString()).toBe('bob');
  });

  it('rejects a bad SESSION_OPEN with AUTH_FAILED, session id 0, and closes', async () => {
    const client = await connectClient(server);
    const error = (await client
      .openSession({ ...TOKEN_SESSION, authBlock: HmacTokenPolicy.authBlock('nope', 'eve') })
      .catch((e: unknown) => e)) as NnrpClientError;
    expect(error.openAck?.sessionStatus).toBe(SessionStatus.Rejected);
    expect(error.openAck?.sessionErrorCode).toBe(SessionErrorCode.AuthFailed);
    expect(error.openAck?.sessionId).toBe(0);
    await client.closed;
  });

  it('processes no submit pipelined behind a failing handshake', async () => {
    const before = submitsHandled;
    const client = await connectClient(server);
    const hello = encodePacket(
      { messageType: MessageType.ClientHello, flags: HeaderFlag.AckRequired },
      encodeClientHello({ ...DEFAULT_CLIENT_HELLO, authBytes: 40, controlExtensionBytes: 0 }),
      HmacTokenPolicy.authBlock('wrong', 'intruder'),
    );
    const submit = encodePacket(
      { messageType: MessageType.FrameSubmit, sessionId: 1, frameId: 1 },
      encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, payloadKindBitmap: 1 }),
      Buffer.from('sneaky'),
    );
    client.sendRaw(Buffer.concat([hello, submit]));
    await client.closed;
    expect(client.errors.map((e) => e.metadata.errorCode)).toEqual([ErrorCode.AuthFailed]);
    expect(submitsHandled).toBe(before);
  });

  it('refuses a submit as first packet: ERROR invalid_state, close, nothing dispatched', async () => {
    const before = submitsHandled;
    const client = await connectClient(server);
    client.sendRaw(
      encodePacket(
        { messageType: MessageType.FrameSubmit, sessionId: 1, frameId: 1 },
        encodeFrameSubmit({ ...DEFAULT_FRAME_SUBMIT, payloadKindBitmap: 1 }),
        Buffer.from('no handshake'),
      ),
    );
    await client.closed;
    expect(client.errors[0]?.metadata.errorCode).toBe(ErrorCode.InvalidState);
    expect(submitsHandled).toBe(before);
  });
});

describe.each(CARRIER_MODES)('auth policy with a custom session error code over %s', (mode) => {
  let server: NnrpTestApp;

  beforeAll(async () => {
    server = await startNnrpTestApp([CustomCodeController], {}, [], mode);
  });
  afterEach(() => destroyClients());
  afterAll(() => server.close());

  it("rejects with the policy's code", async () => {
    const client = await connectClient(server);
    const error = (await client
      .openSession({ ...TOKEN_SESSION, priorityClass: 2 })
      .catch((e: unknown) => e)) as NnrpClientError;
    expect(error.openAck?.sessionErrorCode).toBe(SessionErrorCode.PriorityRejected);
  });

  it('lets others in', async () => {
    const client = await connectClient(server);
    const session = await client.openSession({ ...TOKEN_SESSION, priorityClass: 0 });
    expect(session.ack!.sessionStatus).toBe(SessionStatus.Opened);
  });
});

describe('HmacTokenPolicy', () => {
  const policy = new HmacTokenPolicy(SECRET);
  const request = (authBlock: Buffer): NnrpAuthRequest => ({
    flow: 'hello',
    authBlock,
    carrier: 'tcp',
    remoteAddress: '127.0.0.1',
  });

  it('rejects blocks shorter than the 32-byte token', () => {
    expect(policy.authorize(request(Buffer.alloc(31)))).toBe(false);
  });

  it('gives distinct principals for payloads that are not UTF-8', () => {
    const a = policy.authorize(request(HmacTokenPolicy.authBlock(SECRET, Buffer.from([0xff]))));
    const b = policy.authorize(request(HmacTokenPolicy.authBlock(SECRET, Buffer.from([0xfe]))));
    expect(a).toBe('hex:ff');
    expect(b).toBe('hex:fe');
  });

  it('rejects a token with one bit flipped', () => {
    const block = HmacTokenPolicy.authBlock(SECRET, 'carol');
    block[5] ^= 1;
    expect(policy.authorize(request(block))).toBe(false);
  });
});
