import { isConflict } from '@icl/plugin-kubernetes';

/**
 * Runs a read-modify-write step again when the API server answers 409 Conflict: someone else (a user,
 * another controller, the scheduler) changed the object between the read and the write. Each attempt
 * must read the object afresh; the last conflict is thrown.
 */
export async function retryOnConflict<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}
