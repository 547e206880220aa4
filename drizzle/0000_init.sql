CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`at` text NOT NULL,
	`data` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `inbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source` text NOT NULL,
	`event_type` text NOT NULL,
	`received_at` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`body` text NOT NULL,
	`processed_at` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbox_dedupe_key_unique` ON `inbox` (`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbox_unprocessed` ON `inbox` (`processed_at`,`id`);--> statement-breakpoint
CREATE TABLE `observation_keys` (
	`observation_id` integer NOT NULL,
	`key` text NOT NULL,
	PRIMARY KEY(`observation_id`, `key`),
	FOREIGN KEY (`observation_id`) REFERENCES `observations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `observation_keys_key` ON `observation_keys` (`key`);--> statement-breakpoint
CREATE TABLE `observations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`inbox_id` integer,
	`source` text NOT NULL,
	`kind` text NOT NULL,
	`at` text NOT NULL,
	`data` text NOT NULL,
	`fingerprint` text NOT NULL,
	`pending` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`inbox_id`) REFERENCES `inbox`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `observations_fingerprint_unique` ON `observations` (`fingerprint`);--> statement-breakpoint
CREATE INDEX `observations_pending` ON `observations` (`pending`);--> statement-breakpoint
CREATE TABLE `request_keys` (
	`request_id` text NOT NULL,
	`key` text NOT NULL,
	PRIMARY KEY(`request_id`, `key`),
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `request_keys_key` ON `request_keys` (`key`);--> statement-breakpoint
CREATE TABLE `request_observations` (
	`request_id` text NOT NULL,
	`observation_id` integer NOT NULL,
	PRIMARY KEY(`request_id`, `observation_id`),
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`observation_id`) REFERENCES `observations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `request_observations_obs` ON `request_observations` (`observation_id`);--> statement-breakpoint
CREATE TABLE `requests` (
	`id` text PRIMARY KEY NOT NULL,
	`media_type` text NOT NULL,
	`source` text NOT NULL,
	`state` text NOT NULL,
	`title` text,
	`year` integer,
	`tmdb_id` integer,
	`tvdb_id` integer,
	`imdb_id` text,
	`jellyseerr_request_id` integer,
	`requested_by` text,
	`poster_url` text,
	`is_anime` integer DEFAULT false NOT NULL,
	`progress` real,
	`problem` text,
	`jellyfin_id` text,
	`episodes` text DEFAULT '[]' NOT NULL,
	`downloads` text DEFAULT '[]' NOT NULL,
	`requested_seasons` text DEFAULT '[]' NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `requests_state` ON `requests` (`state`);--> statement-breakpoint
CREATE INDEX `requests_created` ON `requests` (`created_at`);--> statement-breakpoint
CREATE INDEX `requests_updated` ON `requests` (`updated_at`);--> statement-breakpoint
CREATE TABLE `source_status` (
	`source` text PRIMARY KEY NOT NULL,
	`last_seen_at` text,
	`last_event_type` text,
	`last_test_at` text,
	`health_level` text,
	`health_message` text
);
--> statement-breakpoint
CREATE TABLE `timeline` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`request_id` text NOT NULL,
	`at` text NOT NULL,
	`state` text NOT NULL,
	`source` text NOT NULL,
	`message` text NOT NULL,
	`observation_id` integer,
	FOREIGN KEY (`request_id`) REFERENCES `requests`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`observation_id`) REFERENCES `observations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `timeline_request` ON `timeline` (`request_id`,`id`);