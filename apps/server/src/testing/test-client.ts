import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../router.js';
import { TEST_ADMIN } from './test-server.js';

export type TestClient = ReturnType<typeof createTestClient>;

/** A typed tRPC client over real HTTP, optionally with a bearer token. */
export function createTestClient(serverUrl: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${serverUrl}/trpc`,
        headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
      }),
    ],
  });
}

/** The error a call failed with; fails the test if the call succeeded. */
export async function failure(call: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/** Signs a new customer up, logs in, and returns a client acting as them. */
export async function signUpCustomer(
  serverUrl: string,
  email: string,
  password = 'customer-password',
): Promise<{ client: TestClient; userId: string; token: string }> {
  const anonymous = createTestClient(serverUrl);
  await anonymous.auth.signup.mutate({ email, password });
  const session = await anonymous.auth.login.mutate({ email, password });
  return {
    client: createTestClient(serverUrl, session.accessToken),
    userId: session.user.id,
    token: session.accessToken,
  };
}

/** A client acting as the test server's bootstrapped admin. */
export async function logInAdmin(serverUrl: string): Promise<TestClient> {
  const session = await createTestClient(serverUrl).auth.login.mutate(TEST_ADMIN);
  return createTestClient(serverUrl, session.accessToken);
}
