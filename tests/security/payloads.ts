/**
 * Classic attack strings for the S1 attack suite. Each is at most 100 characters with no leading or
 * trailing whitespace, so that a free-text field (工作单位, 2–100 characters, trimmed) can accept it
 * and the test can demand it back verbatim.
 */

/** SQL injection: tautologies, stacked queries, comments, UNION, time-based, encoded and Unicode forms. */
export const sqlInjection: readonly string[] = [
  "' OR '1'='1",
  "' OR '1'='1' --",
  "admin'--",
  "' OR 1=1#",
  '" OR ""="',
  '1; DROP TABLE users--',
  "'; DROP TABLE registrations; --",
  "x'); DELETE FROM users; --",
  "' UNION SELECT username, password_hash FROM users--",
  "1' AND (SELECT pg_sleep(3)) IS NOT NULL--",
  "'||(SELECT current_user)||'",
  "$$; TRUNCATE user_sessions; $$",
  "' OR 'x'::text = 'x",
  '%27%20OR%20%271%27%3D%271',
  '\\\' OR 1=1 --',
  '＇ OR ＇1＇=＇1',
  'ʼ OR ʼ1ʼ=ʼ1',
  "1 OR 1=1; COPY users TO '/tmp/u'--",
  "'; EXEC xp_cmdshell('dir')--",
  "admin\u0000' OR '1'='1",
  "' AND 1=CAST((SELECT version()) AS int)--",
];

/** Cross-site scripting: tags, attributes, URLs, template injection (Vue, handlebars), encodings. */
export const xss: readonly string[] = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "'><svg/onload=alert(1)>",
  'javascript:alert(1)',
  '<a href="javascript:alert(1)">点我</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;(1)">',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '\\u003cscript\\u003ealert(1)\\u003c/script\\u003e',
  '＜script＞alert(1)＜/script＞',
  '{{constructor.constructor("alert(1)")()}}',
  '{{{employer}}}{{#each this}}{{/each}}',
  '${alert(1)}',
  '<style>@import "http://127.0.0.1:9/x.css";</style>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<object data="data:text/html,<script>alert(1)</script>">',
];
