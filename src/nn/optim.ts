/**
 * Optimisers that update `Param` variables in place: SGD with (Nesterov) momentum, and Adam.
 * Written here rather than taken from tf.train so that weight decay, per-step learning rates and the
 * choice of decayed parameters are explicit. Weight decay applies to role 'weight' parameters only
 * (not to biases, batch-norm scale/shift or transform scores), the usual practice for CNNs.
 */
import { tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { Param } from './layer.js';

export interface OptimizerOptions {
  type: 'sgd' | 'adam';
  /** Base learning rate (a schedule may scale it per step). */
  lr: number;
  /** SGD momentum, default 0 (plain SGD). */
  momentum?: number;
  /** L2 coefficient: added to the gradient for SGD, decoupled (AdamW) for Adam. Default 0. */
  weightDecay?: number;
  /** Nesterov momentum for SGD (Sutskever et al., ICML 2013). Default false. */
  nesterov?: boolean;
  /** Adam betas and epsilon; defaults 0.9, 0.999, 1e-8 (Kingma & Ba, ICLR 2015). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export interface Optimizer {
  /** One update of `params` with their gradients (same order; null = no gradient) at learning rate `lr`. */
  step(params: Param[], grads: (tf.Tensor | null)[], lr: number): void;
  /** Frees the optimiser's state tensors. */
  dispose(): void;
}

export function validateOptimizer(o: OptimizerOptions): Required<OptimizerOptions> {
  const bad = (what: string, hint: string): never => {
    throw new UserError(`optimizer: ${what}`, hint);
  };
  if (o.type !== 'sgd' && o.type !== 'adam') bad(`unknown type ${JSON.stringify(o.type)}`, "use 'sgd' or 'adam'");
  if (!(o.lr > 0) || !Number.isFinite(o.lr)) bad(`lr must be a positive number, got ${o.lr}`, 'e.g. lr: 0.01 for SGD, 0.001 for Adam');
  const full = {
    type: o.type,
    lr: o.lr,
    momentum: o.momentum ?? 0,
    weightDecay: o.weightDecay ?? 0,
    nesterov: o.nesterov ?? false,
    beta1: o.beta1 ?? 0.9,
    beta2: o.beta2 ?? 0.999,
    epsilon: o.epsilon ?? 1e-8,
  };
  if (!(full.momentum >= 0 && full.momentum < 1)) bad(`momentum must be in [0, 1), got ${full.momentum}`, 'e.g. momentum: 0.9');
  if (!(full.weightDecay >= 0)) bad(`weightDecay must be >= 0, got ${full.weightDecay}`, 'e.g. weightDecay: 5e-4');
  if (full.nesterov && full.momentum === 0) bad('nesterov needs momentum > 0', 'set momentum, e.g. 0.9');
  if (!(full.beta1 >= 0 && full.beta1 < 1 && full.beta2 >= 0 && full.beta2 < 1)) bad('beta1 and beta2 must be in [0, 1)', 'defaults are 0.9 and 0.999');
  return full;
}

export function createOptimizer(options: OptimizerOptions): Optimizer {
  const o = validateOptimizer(options);
  return o.type === 'sgd' ? new Sgd(o) : new Adam(o);
}

class StateSlots {
  private readonly slots = new Map<tf.Variable, tf.Variable[]>();
  constructor(private readonly count: number) {}

  get(v: tf.Variable): tf.Variable[] {
    let s = this.slots.get(v);
    if (!s) {
      s = Array.from({ length: this.count }, () => tf.variable(tf.zerosLike(v), false));
      this.slots.set(v, s);
    }
    return s;
  }

  dispose(): void {
    for (const s of this.slots.values()) for (const v of s) v.dispose();
    this.slots.clear();
  }
}

class Sgd implements Optimizer {
  private readonly velocity = new StateSlots(1);
  constructor(private readonly o: Required<OptimizerOptions>) {}

  step(params: Param[], grads: (tf.Tensor | null)[], lr: number): void {
    const { momentum, nesterov, weightDecay } = this.o;
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g0 = grads[i];
        if (!g0) return;
        const w = p.variable;
        const g = weightDecay > 0 && p.role === 'weight' ? tf.add(g0, tf.mul(w, weightDecay)) : g0;
        let d = g;
        if (momentum > 0) {
          const [v] = this.velocity.get(w);
          v.assign(tf.add(tf.mul(v, momentum), g));
          d = nesterov ? tf.add(g, tf.mul(v, momentum)) : v;
        }
        w.assign(tf.sub(w, tf.mul(d, lr)));
      });
    });
  }

  dispose(): void {
    this.velocity.dispose();
  }
}

class Adam implements Optimizer {
  private readonly moments = new StateSlots(2);
  private t = 0;
  constructor(private readonly o: Required<OptimizerOptions>) {}

  step(params: Param[], grads: (tf.Tensor | null)[], lr: number): void {
    const { beta1, beta2, epsilon, weightDecay } = this.o;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    tf.tidy(() => {
      params.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        const w = p.variable;
        const [m, v] = this.moments.get(w);
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2)));
        let update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        // Decoupled weight decay (AdamW, Loshchilov & Hutter, ICLR 2019).
        if (weightDecay > 0 && p.role === 'weight') update = tf.add(update, tf.mul(w, weightDecay));
        w.assign(tf.sub(w, tf.mul(update, lr)));
      });
    });
  }

  dispose(): void {
    this.moments.dispose();
  }
}
