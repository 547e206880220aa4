CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`url` text NOT NULL,
	`username` text,
	`secrets` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `unclaimed_downloads` (
	`service_id` text NOT NULL,
	`arr_id` text NOT NULL,
	`name` text NOT NULL,
	`category` text,
	`content_path` text,
	`size_bytes` integer NOT NULL,
	`completed_at` text,
	`first_seen_at` text NOT NULL,
	`last_seen_at` text NOT NULL,
	PRIMARY KEY(`service_id`, `arr_id`)
);
