import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiErrors, DomainException } from '@app/common';
import { type RequestInfo, ConsoleAuthService } from './console-auth.service';
import { LoginDto, LoginResponseDto, OkDto, SessionResponseDto, TotpConfirmDto, TotpSetupResponseDto } from './console-auth.dto';
import { CSRF_HEADER, SESSION_COOKIE } from './session-tokens';
import { sessionCookieOf } from './session.strategy';
import { type IssuedSession, SessionsService } from './sessions.service';

const CSRF = { name: 'X-CSRF-Token', required: true, description: 'The csrfToken of the current session' };

@ApiTags('Console authentication')
@Controller('api/auth')
export class ConsoleAuthController {
  constructor(
    private readonly auth: ConsoleAuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'consoleLogin',
    summary: 'Sign in to the console: password, then TOTP',
    description:
      'Sets the `__Host-session` cookie. An operator without an authenticator gets `enrollmentRequired: true` and a session good only for enrollment; a right password without `totp` answers 401 `totp_required`. After 10 failures in 15 minutes per account or per IP: 429 with `Retry-After`.',
  })
  @ApiErrors('invalid_request', 'invalid_credentials', 'totp_required', 'rate_limited')
  async login(@Body() body: LoginDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponseDto> {
    // Whatever the caller held before is ended: every step gets a new session id.
    await this.sessions.revokeToken(sessionCookieOf(request));
    const outcome = await this.auth.login(body, info(request));
    setSessionCookie(reply, outcome.session);
    switch (outcome.kind) {
      case 'full':
        return { ok: true, operator: outcome.operator, csrfToken: outcome.session.csrfToken };
      case 'enrollment':
        return { ok: true, enrollmentRequired: true, csrfToken: outcome.session.csrfToken };
      case 'totp_required':
        throw new DomainException('totp_required', 'Enter the 6-digit code from your authenticator app');
    }
  }

  @Post('totp/setup')
  @HttpCode(200)
  @ApiCookieAuth('consoleSession')
  @ApiHeader(CSRF)
  @ApiOperation({ operationId: 'consoleTotpSetup', summary: 'Start enrolling an authenticator (enrollment session only)' })
  @ApiErrors('unauthenticated', 'csrf_failed', 'forbidden')
  async setup(@Req() request: FastifyRequest): Promise<TotpSetupResponseDto> {
    const session = await this.sessions.require(sessionCookieOf(request), request.method, request.headers[CSRF_HEADER], ['enrollment']);
    // No QR encoder is installed: the console shows the secret and the otpauth URI instead (qrSvg is optional).
    return { ok: true, ...(await this.auth.setupTotp(session, info(request))) };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiCookieAuth('consoleSession')
  @ApiHeader(CSRF)
  @ApiOperation({ operationId: 'consoleTotpConfirm', summary: 'Confirm the authenticator with a code; completes the login (new session id)' })
  @ApiErrors('invalid_request', 'unauthenticated', 'csrf_failed', 'invalid_credentials', 'rate_limited')
  async confirm(@Body() body: TotpConfirmDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<LoginResponseDto> {
    const session = await this.sessions.require(sessionCookieOf(request), request.method, request.headers[CSRF_HEADER], ['enrollment']);
    const done = await this.auth.confirmTotp(session, body.code, info(request));
    setSessionCookie(reply, done.session);
    return { ok: true, operator: done.operator, csrfToken: done.session.csrfToken };
  }

  @Post('logout')
  @HttpCode(200)
  @ApiCookieAuth('consoleSession')
  @ApiHeader(CSRF)
  @ApiOperation({ operationId: 'consoleLogout', summary: 'End this session on every instance' })
  @ApiErrors('csrf_failed')
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<OkDto> {
    const session = await this.sessions.resolve(sessionCookieOf(request));
    if (session) {
      await this.sessions.require(sessionCookieOf(request), request.method, request.headers[CSRF_HEADER], [session.stage]);
    }
    await this.auth.logout(session, info(request));
    clearSessionCookie(reply);
    return { ok: true };
  }

  @Get('session')
  @ApiCookieAuth('consoleSession')
  @ApiOperation({ operationId: 'consoleSession', summary: 'The signed-in operator and the CSRF token of this session' })
  @ApiErrors('unauthenticated')
  async session(@Req() request: FastifyRequest): Promise<SessionResponseDto> {
    const session = await this.sessions.require(sessionCookieOf(request), request.method, undefined, ['enrollment', 'full']);
    if (session.stage === 'enrollment') {
      return { ok: true, stage: 'enrollment', enrollmentRequired: true, csrfToken: session.csrfToken };
    }
    return { ok: true, stage: 'full', operator: await this.auth.operatorOf(session), csrfToken: session.csrfToken };
  }
}

function info(request: FastifyRequest): RequestInfo {
  const ua = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof ua === 'string' ? ua : null, requestId: String(request.id) };
}

/** `__Host-` demands Secure, Path=/ and no Domain; browsers accept Secure on http://localhost too. */
function setSessionCookie(reply: FastifyReply, session: IssuedSession): void {
  void reply.setCookie(SESSION_COOKIE, session.token, { httpOnly: true, secure: true, sameSite: 'strict', path: '/', maxAge: session.maxAgeSeconds });
  void reply.header('cache-control', 'no-store');
}

function clearSessionCookie(reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, { httpOnly: true, secure: true, sameSite: 'strict', path: '/' });
}
