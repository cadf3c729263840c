import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * JSON lines on stdout. Redaction is a second line of defence: nothing should log a secret in the
 * first place, but if a request or error object slips in, these paths are censored.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'orders' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'password',
        '*.password',
        'passwordHash',
        '*.passwordHash',
        'token',
        'accessToken',
        '*.accessToken',
        'authorization',
        '*.authorization',
        'req.headers.authorization',
        'headers.authorization',
        'cardNumber',
        'number',
        '*.number',
        'cvc',
        '*.cvc',
        // A payment method logged whole, or inside a request's input.
        '*.paymentMethod.number',
        '*.paymentMethod.cvc',
        'cookie',
        '*.cookie',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
