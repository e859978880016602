// What a promise rejects with, as a function that throws it, for expect(...).toThrow(): settled before expect() sees it.

/**
 * Bun's expect(promise).rejects on a promise still pending waits for it without taking a Worker's messages,
 * so a promise that a Worker's reply settles (the embedded server's calls) never settles there. A promise
 * that resolves gives a function that does not throw, so toThrow() fails.
 */
export async function rejection(promise: Promise<unknown>): Promise<() => void> {
  try {
    await promise;
  } catch (error) {
    return () => {
      throw error;
    };
  }
  return () => {};
}
