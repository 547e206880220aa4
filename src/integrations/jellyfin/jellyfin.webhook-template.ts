/**
 * The ItemAdded template users paste into the plugin's "Template" box (Notification type: Item
 * Added; Item types: Movies and Episodes). Numbers are guarded with `if_exist` so a missing value
 * leaves the key out instead of producing invalid JSON; strings use triple-stash so names are not
 * HTML-encoded (the plugin already escapes `"`). `UtcTimestamp` is left out on purpose: Handlebars
 * renders dates in the server's culture, which cannot be read reliably.
 */
export const JELLYFIN_ITEM_ADDED_TEMPLATE = `{
  "NotificationType": "{{NotificationType}}",
  "ServerId": "{{ServerId}}",
  "ServerName": "{{{ServerName}}}",
  "ItemType": "{{ItemType}}",
  "ItemId": "{{ItemId}}",
  "Name": "{{{Name}}}",
  {{#if_exist Year}}"Year": {{Year}},{{/if_exist}}
  "SeriesId": "{{SeriesId}}",
  "SeriesName": "{{{SeriesName}}}",
  {{#if_exist SeasonNumber}}"SeasonNumber": {{SeasonNumber}},{{/if_exist}}
  {{#if_exist EpisodeNumber}}"EpisodeNumber": {{EpisodeNumber}},{{/if_exist}}
  {{#if_exist EpisodeNumberEnd}}"EpisodeNumberEnd": {{EpisodeNumberEnd}},{{/if_exist}}
  "Provider_tmdb": "{{Provider_tmdb}}",
  "Provider_tvdb": "{{Provider_tvdb}}",
  "Provider_imdb": "{{Provider_imdb}}"
}
`;
