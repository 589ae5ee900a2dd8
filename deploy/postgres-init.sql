-- One database per service: each owns its event store and read models, and none reads
-- another's tables. The postgres image runs this only when its data volume is empty;
-- on an existing volume, create a new service's database by hand.
CREATE DATABASE identity;
CREATE DATABASE dossier;
CREATE DATABASE payments;
CREATE DATABASE einvoicing;
CREATE DATABASE complaints;
CREATE DATABASE monitoring;
