// A type that only looks like one the schema's value type takes (here a struct of the
// user's named `u32`) is still checked by the compiler, and refused.
use usercom::IntoUserComUser;

#[allow(non_camel_case_types, dead_code)]
struct u32(String);

#[derive(IntoUserComUser)]
#[usercom(schema = "schemas/app.json")]
struct Customer {
    #[usercom(email)]
    email: String,
    #[usercom(attribute = "seats")]
    seats: u32,
}

fn main() {}
