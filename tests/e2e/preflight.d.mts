/** Where the browser suite finds Chromium (CHROMIUM_PATH, else Debian's /usr/bin/chromium). */
export declare const CHROMIUM: string;
