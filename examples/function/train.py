"""A Python function called with keyword arguments; its return value comes back as the run's result.

    pnpm icl run examples/function/train.py --function train --param learning_rate=0.1 --param epochs=5
"""
import math


def train(learning_rate=0.01, epochs=3, tags=None):
    loss = 1.0
    for epoch in range(1, epochs + 1):
        loss *= math.exp(-learning_rate * epoch)
        print(f"epoch {epoch}: loss {loss:.4f}", flush=True)
    return {"learning_rate": learning_rate, "epochs": epochs, "final_loss": round(loss, 6), "tags": tags or []}
