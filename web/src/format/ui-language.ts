/**
 * The language of the UI's own words. Relative times and durations are spelled in it so they read as
 * one phrase with the text around them ("Updated 5 minutes ago", "12 min left").
 */
export const UI_LANGUAGE = 'en';
