/** Where the browser suite finds Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export declare const CHROMIUM: string;
/** The command-line flags every Chromium launch of the project uses. */
export declare const CHROMIUM_ARGS: string[];
