/**
 * Recognising secret values in plain text: key names that hold credentials, and values that are
 * credentials whatever they are called. References (${VAR}, $__file{...}, *_file keys) are not secrets.
 */

/** Names that hold credentials: password, token, api_key, routing_key, webhook URLs, ... */
export const SECRET_NAME = /(^|[^a-z])(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credentials?|routing[_-]?key|service[_-]?key|access[_-]?key|webhook[_-]?url|api[_-]?url)($|[^a-z])/i;

/** Names that point at a secret rather than hold it. */
const REFERENCE_NAME = /(_file|_path|_dir|__file|_ref|_enabled|_name|_header|_key_id|_username|_user|(^|_)(token|auth)_url)$/i;

/** Values that are credentials whatever their key. */
const SECRET_VALUES: { what: string; re: RegExp }[] = [
  { what: "a private key", re: /-----BEGIN [A-Z ]*PRIVATE KEY-----/ },
  { what: "an AWS access key id", re: /\b(AKIA|ASIA)[0-9A-Z]{16}\b/ },
  { what: "a Slack webhook URL", re: /hooks\.slack\.com\/services\/[A-Za-z0-9_/]+/ },
  { what: "a GitHub token", re: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/ },
  { what: "credentials in a URL", re: /[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s:/@]+@/i },
];

/** A value that refers to a secret instead of containing it. */
export function isReference(value: string): boolean {
  const v = value.trim().replace(/^["']|["']$/g, "");
  return v === "" || /^\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?$/.test(v) || /^\$__(file|env)\{[^}]+\}$/.test(v) || /^<[^>]*>$/.test(v) || v === "null" || v === "~";
}

/** Whether a key/variable name holds a credential (and is not a pointer to one); camelCase too. */
export function isSecretName(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2");
  return SECRET_NAME.test(words) && !REFERENCE_NAME.test(words);
}

/** What kind of credential a value is, if it is one. */
export function secretValueKind(value: string): string | undefined {
  return SECRET_VALUES.find((s) => s.re.test(value))?.what;
}

/**
 * Findings in a config file's text: "line 12 sets \"password\"", "line 3 holds a Slack webhook URL".
 * Never echoes the value.
 */
export function findSecretsInText(text: string): string[] {
  const out: string[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const kind = secretValueKind(line);
    if (kind) {
      out.push(`line ${i + 1} holds ${kind}`);
      return;
    }
    // key: value (YAML, also as a list item), key = value (ini), "key": "value" (JSON)
    const m = /^\s*(?:-\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.+?)\s*,?\s*$/.exec(line);
    if (!m) return;
    const [, key, rawValue] = m;
    const value = rawValue.replace(/\s+#.*$/, "");
    if (!isSecretName(key) || isReference(value) || /^[{[|>]$/.test(value) || /^(true|false)$/i.test(value)) return;
    out.push(`line ${i + 1} sets "${key}" to a literal`);
  });
  return out;
}
