-- A page of users at any depth is picked in an index that holds its order and the list's filter
-- (the service code that hides system users), without reading the users' rows; only the page's
-- own users are then read whole. These replace the (domain, order) indexes they extend.
DROP INDEX users_domain_extension_sort_idx;
CREATE INDEX users_domain_extension_sort_idx ON users (domain_id, extension_sort, service_code);
DROP INDEX users_domain_last_name_idx;
CREATE INDEX users_domain_last_name_idx ON users (domain_id, last_name, first_name, extension, service_code);
