// Repositories of the rules area (rule-set versions and their lifecycle).
export {};
