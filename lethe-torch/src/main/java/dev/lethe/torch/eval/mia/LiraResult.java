package dev.lethe.torch.eval.mia;

import dev.lethe.core.mia.AttackResult;

/**
 * Both variants of one LiRA run (they share the shadow models).
 *
 * @param online the online attack: likelihood ratio of IN vs OUT Gaussians ({@code lira-online})
 * @param offline the offline attack: one-sided test against the OUT Gaussian only ({@code lira-offline})
 * @param shadows how many shadow models were trained
 */
public record LiraResult(AttackResult online, AttackResult offline, int shadows) {
}
