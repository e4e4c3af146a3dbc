// Values that test/setup/global-setup.ts hands to every test through vitest's `inject()`.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the DynamoDB Local started (or connected to) for this test run, e.g. `http://127.0.0.1:41235`. */
    dynamodbEndpoint: string;
  }
}

export {};
