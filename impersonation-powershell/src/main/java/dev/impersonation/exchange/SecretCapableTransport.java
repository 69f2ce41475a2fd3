package dev.impersonation.exchange;

import dev.impersonation.Secret;
import dev.impersonation.powershell.Cmdlet;
import java.util.List;
import java.util.Map;

/**
 * A transport that can pass secrets (e.g. {@code New-Mailbox -Password}) without them appearing on a command line,
 * in an environment variable, in a log or in a rendered script. The PowerShell process transport is one.
 */
public interface SecretCapableTransport extends CmdletTransport {
  /** Runs {@code cmdlet} with these parameters bound to secure strings made from the secrets. */
  List<Map<String, Object>> invoke(Cmdlet cmdlet, Map<String, Secret> secretParameters);
}
