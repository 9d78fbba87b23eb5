/**
 * Loader-control variables: environment variables whose documented purpose is to make a
 * program — or the dynamic linker, shell or language runtime beneath it — load or run
 * code named by the value (a library, module, script, option string or command), or to
 * say where such code is found. `devsecrets run` hands the manifest's variables to the
 * child and to every program the child starts, so one of these in the team's shared
 * manifest decides what code runs on every developer's machine. A manifest may declare
 * one only with `"loaderControl": true`, and devsecrets never makes a fake for one: a fake
 * `LD_PRELOAD` breaks every program, and no fake of `NODE_OPTIONS` means anything.
 *
 * Left out on purpose, though some blocklists have them: variables whose purpose is the
 * user's own folders or shell (`HOME`, `USERPROFILE`, `XDG_CONFIG_HOME`, `SHELL`, `WINDIR`,
 * `SYSTEMROOT`), where start-up files are found only incidentally; variables that steer data
 * rather than code (locale, time zone, temp folder, CA bundles, `SSLKEYLOGFILE`, glibc's
 * `LOCPATH`/`NLSPATH`/`HOSTALIASES`); and `HOSTNAME`/`NODE_VERSION`, which Doppler lists
 * only because they help the `PHPRC`/`NODE_OPTIONS` tricks, refused here themselves.
 *
 * Names match ignoring case: Windows folds the case of environment names, npm reads
 * `npm_config_*` in any case, and a manifest is shared across platforms (it already
 * refuses two names that differ only in case).
 */
/** One row of the table: an exact name, or a prefix naming a whole family; upper case. */
type Entry = { name: string; reason: string } | { prefix: string; reason: string };

/**
 * The loader-control variables, each with the reason given in messages (and in the
 * README). Sources: ld.so(8), dyld(1), Node.js's CLI documentation, bash(1), zsh(1),
 * python(1), perlrun(1), ruby(1), the JDK's `java` and JVMTI documentation, .NET's
 * startup-hook and profiler documentation, php.ini's documentation, git(1), npm-config(7),
 * Yarn's settings, and Doppler's list of dangerous secret names.
 */
const TABLE: readonly Entry[] = [
  // The dynamic linkers: every dynamically linked program starts through them.
  { prefix: 'LD_', reason: 'the dynamic linker reads LD_* as every program starts, and LD_PRELOAD, LD_AUDIT and LD_LIBRARY_PATH load shared objects into it' },
  { prefix: 'DYLD_', reason: 'the macOS dynamic linker reads DYLD_* as every program starts, and DYLD_INSERT_LIBRARIES and DYLD_*_PATH load libraries into it' },
  // The C library, before main().
  { name: 'GCONV_PATH', reason: 'glibc loads character-set converters, which are shared objects, from this folder' },
  { name: 'GLIBC_TUNABLES', reason: 'glibc reads its start-up tunables from it in every program' },
  { prefix: 'MALLOC_', reason: 'the C library\'s allocator (glibc, jemalloc) reads MALLOC_* variables as it starts in every program' },
  // Shells: every script the child runs, and `sh -c` behind npm scripts and child_process.
  { name: 'BASH_ENV', reason: 'bash runs the file it names before every non-interactive script' },
  { name: 'ENV', reason: 'an interactive sh (dash, ksh, bash in POSIX mode) runs the file it names as it starts' },
  { name: 'BASHOPTS', reason: 'bash turns on the shopt options it lists before reading any start-up file' },
  { name: 'SHELLOPTS', reason: 'bash turns on the set -o options it lists (xtrace among them) as it starts' },
  { name: 'PS4', reason: 'bash expands it, command substitutions included, before every traced command' },
  { name: 'PROMPT_COMMAND', reason: 'bash runs it as a command before every prompt' },
  { name: 'IFS', reason: 'it decides how sh splits the words of every script, and POSIX lets a shell take it from the environment (bash and dash reset it)' },
  { name: 'ZDOTDIR', reason: 'zsh runs its start-up files (.zshenv for every script) from this folder' },
  // Where programs are found, and the commands other programs run on their own.
  { name: 'PATH', reason: 'every program started by a bare name (by shells, execvp, child_process) is looked up in it' },
  { name: 'COMSPEC', reason: 'Windows programs, Node.js\'s child_process with a shell among them, run it as the command interpreter' },
  { name: 'BROWSER', reason: 'Python\'s webbrowser, xdg-open and many tools run it as a command to open links' },
  { name: 'EDITOR', reason: 'git, crontab and many tools run it as a command to edit text' },
  { name: 'VISUAL', reason: 'git, crontab and many tools run it as a command to edit text' },
  { name: 'PAGER', reason: 'git, man, psql and many tools run it as a command to page output' },
  { name: 'MANPAGER', reason: 'man runs it as a command to page output' },
  { name: 'LESSOPEN', reason: 'less runs it as a command on every file it opens' },
  { name: 'LESSCLOSE', reason: 'less runs it as a command on every file it closes' },
  { name: 'SSH_ASKPASS', reason: 'ssh runs it as a command to ask for a password' },
  { name: 'SUDO_ASKPASS', reason: 'sudo runs it as a command to ask for a password' },
  // git, which tools and scripts start everywhere.
  { name: 'GIT_SSH', reason: 'git runs it instead of ssh' },
  { name: 'GIT_SSH_COMMAND', reason: 'git runs it as a command instead of ssh' },
  { name: 'GIT_ASKPASS', reason: 'git runs it as a command to ask for credentials' },
  { name: 'GIT_EDITOR', reason: 'git runs it as a command to edit messages' },
  { name: 'GIT_SEQUENCE_EDITOR', reason: 'git rebase runs it as a command to edit the todo list' },
  { name: 'GIT_PAGER', reason: 'git runs it as a command to page output' },
  { name: 'GIT_EXTERNAL_DIFF', reason: 'git diff runs it as a command' },
  { name: 'GIT_PROXY_COMMAND', reason: 'git runs it as a command to connect to remotes' },
  { name: 'GIT_EXEC_PATH', reason: 'git runs its sub-commands from this folder' },
  { name: 'GIT_TEMPLATE_DIR', reason: 'git init and clone copy the hooks of this folder into new repositories' },
  { name: 'GIT_CONFIG', reason: 'git reads configuration from it, and configuration can name commands git runs (core.fsmonitor, core.sshCommand, aliases)' },
  { prefix: 'GIT_CONFIG_', reason: 'git reads configuration from GIT_CONFIG_* variables, and configuration can name commands git runs (core.fsmonitor, core.sshCommand, aliases)' },
  // Node.js and its package managers.
  { name: 'NODE_OPTIONS', reason: 'Node.js takes command-line options from it, --require and --import among them' },
  { name: 'NODE_PATH', reason: 'Node.js looks up modules in the folders it lists' },
  { name: 'NODE_REPL_EXTERNAL_MODULE', reason: 'Node.js loads the module it names in place of its REPL' },
  { prefix: 'NPM_CONFIG_', reason: 'npm and pnpm read their configuration from npm_config_* variables in any case, and script-shell and node-options decide what every npm run starts' },
  { prefix: 'YARN_', reason: 'Yarn reads its settings from YARN_* variables, and yarnPath names the JavaScript file it runs' },
  // Python.
  { name: 'PYTHONSTARTUP', reason: 'Python runs the file it names when it starts interactively' },
  { name: 'PYTHONPATH', reason: 'Python looks up modules in the folders it lists before its standard library' },
  { name: 'PYTHONHOME', reason: 'Python loads its standard library from this folder' },
  { name: 'PYTHONPLATLIBDIR', reason: 'Python loads its standard library\'s extension modules from this folder' },
  { name: 'PYTHONUSERBASE', reason: 'Python adds its user site-packages to the module path and runs the .pth files there' },
  { name: 'PYTHONPYCACHEPREFIX', reason: 'Python loads compiled modules from this folder' },
  { name: 'PYTHONINSPECT', reason: 'Python runs the code it reads on stdin after the script ends' },
  { name: 'PYTHONWARNINGS', reason: 'Python imports the module a warning filter names' },
  { name: 'PYTHONBREAKPOINT', reason: 'Python imports and calls what it names on breakpoint()' },
  // Perl.
  { name: 'PERL5OPT', reason: 'Perl takes command-line switches from it, -M (load a module) among them' },
  { name: 'PERL5LIB', reason: 'Perl looks up modules in the folders it lists before its own' },
  { name: 'PERLLIB', reason: 'Perl looks up modules in the folders it lists when PERL5LIB is not set' },
  { name: 'PERL5DB', reason: 'Perl runs it as the debugger\'s code' },
  { name: 'PERL5SHELL', reason: 'Perl on Windows runs system() and backticks through it' },
  // Ruby, RubyGems and Bundler.
  { name: 'RUBYOPT', reason: 'Ruby takes command-line options from it, -r (require a library) among them' },
  { name: 'RUBYLIB', reason: 'Ruby looks up libraries in the folders it lists' },
  { name: 'RUBYPATH', reason: 'Ruby looks up the script to run in the folders it lists (ruby -S)' },
  { name: 'RUBYSHELL', reason: 'Ruby on Windows runs system() through it' },
  { name: 'GEM_HOME', reason: 'RubyGems loads installed gems from this folder' },
  { name: 'GEM_PATH', reason: 'RubyGems loads installed gems from the folders it lists' },
  { name: 'BUNDLE_GEMFILE', reason: 'Bundler runs the Gemfile it names, which is Ruby code' },
  // Java.
  { name: 'JAVA_TOOL_OPTIONS', reason: 'every JVM takes options from it, -javaagent (load code) among them' },
  { name: '_JAVA_OPTIONS', reason: 'the HotSpot JVM takes options from it, -javaagent (load code) among them' },
  { name: 'JDK_JAVA_OPTIONS', reason: 'the java launcher takes options from it, -javaagent (load code) among them' },
  { name: 'CLASSPATH', reason: 'Java loads classes from the places it lists' },
  // .NET.
  { name: 'DOTNET_STARTUP_HOOKS', reason: '.NET runs the startup hooks of the assemblies it lists before Main' },
  { name: 'CORECLR_ENABLE_PROFILING', reason: '.NET loads a profiler library into every program when it is set' },
  { name: 'CORECLR_PROFILER', reason: 'it names the profiler .NET loads into every program' },
  { prefix: 'CORECLR_PROFILER_', reason: 'CORECLR_PROFILER_PATH* name the profiler library .NET loads into every program' },
  { name: 'COR_ENABLE_PROFILING', reason: '.NET Framework loads a profiler library into every program when it is set' },
  { name: 'COR_PROFILER', reason: 'it names the profiler .NET Framework loads into every program' },
  { prefix: 'COR_PROFILER_', reason: 'COR_PROFILER_PATH* name the profiler library .NET Framework loads into every program' },
  // PHP.
  { name: 'PHPRC', reason: 'PHP reads php.ini from it, and auto_prepend_file runs a file before every script' },
  { name: 'PHP_INI_SCAN_DIR', reason: 'PHP reads more .ini files from these folders, and auto_prepend_file runs a file before every script' },
];

const EXACT = new Map(TABLE.flatMap((entry) => ('name' in entry ? [[entry.name, entry.reason] as const] : [])));
const PREFIXES = TABLE.flatMap((entry) => ('prefix' in entry ? [entry] : []));

/**
 * Why `name` is a loader-control variable (case ignored), in words for messages — e.g.
 * "Node.js takes command-line options from it, --require and --import among them" — or
 * undefined when it is not one.
 */
export function loaderControlReason(name: string): string | undefined {
  const upper = name.toUpperCase();
  return EXACT.get(upper) ?? PREFIXES.find((entry) => upper.startsWith(entry.prefix))?.reason;
}

/** Whether `name` is a loader-control variable (case ignored): devsecrets never makes a fake for one. */
export function isLoaderControl(name: string): boolean {
  return loaderControlReason(name) !== undefined;
}

/**
 * What to tell a person about a loader-control variable that has no value, after its name:
 * "has no fake (it controls how programs load code): set it with devsecrets set NAME, or
 * give it a default".
 */
export function noFakeAdvice(name: string): string {
  return `has no fake (it controls how programs load code): set it with devsecrets set ${name}, or give it a default`;
}
