package dev.tidewater.planner.metadata;

import static java.util.Objects.requireNonNull;

/** Which contract, and which version of it, a load validated its rows against. */
public record ContractUse(String loadId, String contractName, int contractVersion) {
  public ContractUse {
    requireNonNull(loadId, "loadId is null");
    requireNonNull(contractName, "contractName is null");
  }
}
