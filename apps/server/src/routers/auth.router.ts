import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../auth/password.js';
import { unwrap } from '../trpc/domain-error-map.js';
import { authedProcedure, publicProcedure, router } from '../trpc/init.js';
import { getMe } from '../use-cases/get-me.js';
import { logIn } from '../use-cases/log-in.js';
import { signUp } from '../use-cases/sign-up.js';
import { text } from './input-fields.js';
import { sessionOutput, userOutput } from './output-schemas.js';
import { presentUser } from './presenters.js';

const email = text().trim().max(254).pipe(z.email());
const password = text().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH);

// Unknown keys are stripped: a `role` smuggled into sign-up never reaches the use case.
const signUpInput = z
  .object({ email, password, name: text().trim().max(100).optional() })
  .meta({ examples: [{ email: 'ann@example.com', password: 'correct-horse-9', name: 'Ann' }] });
const logInInput = z
  .object({ email, password: text().min(1).max(PASSWORD_MAX_LENGTH) })
  .meta({ examples: [{ email: 'ann@example.com', password: 'correct-horse-9' }] });

const tags = ['auth'];

export const authRouter = router({
  signup: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/signup',
        tags,
        protect: false,
        summary: 'Sign up',
        description:
          'Creates a CUSTOMER account and returns it, never its password hash (a `role` in the ' +
          'body is ignored). Log in next for a token.',
        errorResponses: { 409: 'The email is taken (`AUTH.EMAIL_TAKEN`).' },
      },
    })
    .input(signUpInput)
    .output(userOutput)
    .mutation(async ({ ctx, input }) => {
      const user = unwrap(await signUp({ em: ctx.em(), now: ctx.services.now() }, input));
      return presentUser(user);
    }),

  login: publicProcedure
    .meta({
      openapi: {
        method: 'POST',
        path: '/auth/login',
        tags,
        protect: false,
        summary: 'Log in: an access token for the Authorization header',
        description:
          'Exchanges an email and password for a bearer token (valid for an hour): send it as ' +
          '`Authorization: Bearer <accessToken>`. An unknown email and a wrong password get the ' +
          'same answer; after five failures in a minute for an email and address, 429.',
        errorResponses: {
          401: 'Wrong email or password (`AUTH.INVALID_CREDENTIALS`).',
          429: 'Too many failed attempts; try again in a minute (`AUTH.RATE_LIMITED`).',
        },
      },
    })
    .input(logInInput)
    .output(sessionOutput)
    .mutation(async ({ ctx, input }) => {
      const deps = {
        em: ctx.em(),
        db: ctx.db,
        tokens: ctx.services.tokens,
        now: ctx.services.now(),
      };
      const session = unwrap(await logIn(deps, { ...input, clientIp: ctx.clientIp }));
      return {
        accessToken: session.accessToken,
        tokenType: session.tokenType,
        expiresAt: session.expiresAt.toISOString(),
        user: presentUser(session.user),
      };
    }),

  me: authedProcedure
    .meta({
      openapi: {
        method: 'GET',
        path: '/api/me',
        tags,
        summary: 'The caller',
        description: 'The signed-in user the bearer token names.',
      },
    })
    .output(userOutput)
    .query(async ({ ctx }) => presentUser(unwrap(await getMe({ em: ctx.em() }, ctx.user.userId)))),
});
